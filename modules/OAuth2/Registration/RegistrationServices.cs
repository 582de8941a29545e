using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Clients;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>The services every registration endpoint takes, bound with <c>[AsParameters]</c>.</summary>
public sealed record RegistrationServices(ClientRegistrations Clients, InitialAccessTokens InitialTokens, IPublicOrigin Origin, IOptions<OAuth2Options> Options);
