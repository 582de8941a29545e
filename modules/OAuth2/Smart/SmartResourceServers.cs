using Microsoft.Extensions.Options;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>The FHIR bases this server issues tokens for (<see cref="OAuth2Options.FhirBasePaths"/>), under the public origin.</summary>
public sealed class SmartResourceServers(IOptions<OAuth2Options> options)
{
    public IReadOnlyList<string> Bases(string origin) =>
        [.. options.Value.FhirBasePaths.Select(path => origin + "/" + path.Trim('/'))];
}
