using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Modules.OAuth2.Data;

namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>
/// The public keys a <c>confidential-asymmetric</c> client registers (RFC 7591 §2 <c>jwks</c>), checked as
/// SMART Backend Services requires: RS384 or ES384 signing keys, each with a <c>kid</c>, and never private
/// key material, which a client must not send anyone.
/// </summary>
public static class ClientKeys
{
    public static readonly IReadOnlyList<string> Algorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384];

    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>The members kept: what a public RSA or EC signing key is made of (RFC 7517 §4, RFC 7518 §6).</summary>
    private static readonly string[] PublicMembers = ["kty", "kid", "use", "alg", "n", "e", "crv", "x", "y"];

    /// <summary>The keys to store, or null for a kind that has none; refuses what is not a usable public JWKS.</summary>
    public static JsonElement? Validate(JsonElement? registered, ClientKind kind)
    {
        if (kind != ClientKind.ConfidentialAsymmetric)
        {
            return registered is null ? null : throw Invalid(new("JwksOnlyAsymmetric"));
        }

        JsonObject? jwks;
        try
        {
            jwks = registered is { } element ? JsonNode.Parse(element.GetRawText()) as JsonObject : null;
            // A JsonObject finds a repeated member only when first read: read them all here.
            _ = jwks?["keys"] is JsonArray all ? all.Sum(node => node is JsonObject key ? key.Count : 0) : 0;
        }
        catch (ArgumentException)
        {
            throw Invalid(new("JwksRepeated"));
        }

        if (jwks?["keys"] is not JsonArray keys || keys.Count is 0 or > 10)
        {
            throw Invalid(new("JwksRequired"));
        }

        var kids = new HashSet<string>(StringComparer.Ordinal);
        var kept = new JsonArray();
        foreach (var node in keys)
        {
            if (node is not JsonObject key)
            {
                throw Invalid(new("JwkNotObject"));
            }

            // Key readers forgive letter case ("D" read as "d") and keep the last of two equal names, so
            // what is checked here must be exactly what they will read.
            if (key.Select(member => member.Key).GroupBy(name => name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                throw Invalid(new("JwkRepeatedMember", repeated.Key));
            }

            if (key.Select(member => member.Key).FirstOrDefault(name => PrivateMembers.Contains(name, StringComparer.OrdinalIgnoreCase)) is { } secret)
            {
                throw Invalid(new("JwkPrivate", secret));
            }

            if (key.Select(member => member.Key).FirstOrDefault(name => PublicMembers.Contains(name, StringComparer.OrdinalIgnoreCase) && !PublicMembers.Contains(name, StringComparer.Ordinal)) is { } misspelt)
            {
                throw Invalid(new("JwkCase", misspelt));
            }

            var kid = Text(key, "kid");
            if (string.IsNullOrEmpty(kid) || !kids.Add(kid))
            {
                throw Invalid(new("JwkKid"));
            }

            if (Text(key, "alg") is { } alg && !Algorithms.Contains(alg))
            {
                throw Invalid(new("JwkAlg", kid, alg, string.Join(", ", Algorithms)));
            }

            if (Text(key, "use") is { } use && use != "sig")
            {
                throw Invalid(new("JwkUse", kid));
            }

            switch (Text(key, "kty"))
            {
                case "RSA" when ModulusBits(key) >= 2048 && Text(key, "e") is { Length: > 0 }:
                case "EC" when Text(key, "crv") == "P-384" && Text(key, "x") is { Length: > 0 } && Text(key, "y") is { Length: > 0 }:
                    break;
                default:
                    throw Invalid(new("JwkType", kid));
            }

            var copy = new JsonObject();
            foreach (var name in PublicMembers.Where(key.ContainsKey))
            {
                copy[name] = key[name]!.DeepClone();
            }

            kept.Add(copy);
        }

        // What is stored is rebuilt from the public members alone, and read back as the token handler will.
        var stored = new JsonObject { ["keys"] = kept };
        try
        {
            if (new JsonWebKeySet(stored.ToJsonString()).Keys.Any(key => key.HasPrivateKey || key.Kty is not ("RSA" or "EC")))
            {
                throw Invalid(new("JwkPublicOnly"));
            }
        }
        catch (ArgumentException e)
        {
            throw Invalid(new("JwksInvalid", e.Message));
        }

        return JsonSerializer.SerializeToElement(stored);
    }

    private static string? Text(JsonObject key, string name) =>
        key[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static int ModulusBits(JsonObject key)
    {
        try
        {
            return Text(key, "n") is { } n ? Base64UrlEncoder.DecodeBytes(n).SkipWhile(b => b == 0).Count() * 8 : 0;
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    private static ClientRegistrationException Invalid(ClientMessage text) => new("invalid_client_metadata", text);
}
