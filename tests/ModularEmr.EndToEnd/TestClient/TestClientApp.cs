using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.TestClient;

/// <summary>
/// Bob's app, as a browser meets it: a small web server on loopback. <c>/start</c> sends the browser to
/// the authorization endpoint (code flow with PKCE), <c>/start-implicit</c> asks for a token through the
/// fragment extractor; <c>/callback</c> receives either (GET with a code or an error, POST from the
/// fragment extractor), exchanges the code, reads the user's Patient through FHIR and renames her
/// through REST. Each callback's result is both shown on the page and handed to the test.
/// </summary>
internal sealed class TestClientApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _emr;
    private readonly ConcurrentDictionary<string, string> _pending = new(StringComparer.Ordinal);
    private readonly Channel<ClientOutcome> _outcomes = Channel.CreateUnbounded<ClientOutcome>();

    private TestClientApp(WebApplication app, Uri emr)
    {
        _app = app;
        _emr = new HttpClient { BaseAddress = emr };
    }

    /// <summary>Where the app listens: a free loopback port, known once it has started.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public Uri CallbackUri => new(BaseAddress, "/callback");

    public Uri StartUri => new(BaseAddress, "/start");

    public Uri StartImplicitUri => new(BaseAddress, "/start-implicit");

    /// <summary>Where the EHR opens the app (SMART EHR launch), with <c>iss</c> and <c>launch</c>.</summary>
    public Uri LaunchUri => new(BaseAddress, "/launch");

    /// <summary>How the app is registered; set once Bob has registered it.</summary>
    public ClientRegistration Registration { get; set; } = null!;

    /// <summary>The family name the app gives the user through REST after a code-flow sign-in; null: no rename.</summary>
    public string? RenameTo { get; set; }

    /// <summary>The access token of the last successful sign-in.</summary>
    public string? AccessToken { get; private set; }

    public static async Task<TestClientApp> StartAsync(Uri emr)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var client = new TestClientApp(app, emr);
        app.MapGet("/start", client.StartCodeFlow);
        app.MapGet("/start-implicit", client.StartImplicitFlow);
        app.MapGet("/launch", (Func<HttpContext, IResult>)client.StartEhrLaunch);
        app.MapGet("/callback", (Func<HttpContext, Task<IResult>>)client.ReceiveCodeAsync);
        app.MapPost("/callback", (Func<HttpContext, Task<IResult>>)client.ReceiveTokenAsync);
        await app.StartAsync();
        client.BaseAddress = new Uri(app.Urls.Single());
        return client;
    }

    /// <summary>The outcome of the next callback, or a failure saying that none came.</summary>
    public async Task<ClientOutcome> NextOutcomeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            return await _outcomes.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"The test client at {CallbackUri} received no callback within 20 s: the browser never came back to it.");
        }
    }

    /// <summary>The app's next FHIR call with the token it holds: reads the patient in context.</summary>
    public Task<FhirRead> ReadPatientAsync() => ReadPatientAsync(AccessToken ?? throw new InvalidOperationException("The test client holds no token: no sign-in succeeded."));

    public async ValueTask DisposeAsync()
    {
        _emr.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult StartCodeFlow()
    {
        var state = NewState();
        var pkce = Pkce.Create();
        _pending[state] = pkce.Verifier;
        return Results.Redirect(AuthorizeUrl("code", Registration.RedirectUri ?? CallbackUri.AbsoluteUri, state, $"&code_challenge={pkce.Challenge}&code_challenge_method=S256"));
    }

    /// <summary>SMART EHR launch: the FHIR base the EHR names is the audience, and its launch id goes back with the request.</summary>
    private IResult StartEhrLaunch(HttpContext http)
    {
        var iss = http.Request.Query["iss"].ToString();
        var launch = http.Request.Query["launch"].ToString();
        if (iss.Length == 0 || launch.Length == 0)
        {
            return Finish(ClientOutcome.Failed("launch_incomplete", "The EHR opened the app without iss and launch."));
        }

        var state = NewState();
        var pkce = Pkce.Create();
        _pending[state] = pkce.Verifier;
        return Results.Redirect(AuthorizeUrl("code", Registration.RedirectUri ?? CallbackUri.AbsoluteUri, state,
            $"&code_challenge={pkce.Challenge}&code_challenge_method=S256&aud={Uri.EscapeDataString(iss)}&launch={Uri.EscapeDataString(launch)}"));
    }

    private IResult StartImplicitFlow()
    {
        var state = NewState();
        _pending[state] = string.Empty;
        var extractor = Registration.RedirectUri ?? new Uri(_emr.BaseAddress!, $"/ws/oauth2/fragmentextractor.html?client_id={Registration.ClientId}").AbsoluteUri;
        return Results.Redirect(AuthorizeUrl("token", extractor, state, string.Empty));
    }

    private string AuthorizeUrl(string responseType, string redirectUri, string state, string extra) =>
        new Uri(_emr.BaseAddress!, "/ws/oauth2/authorize").AbsoluteUri
        + $"?response_type={responseType}&client_id={Uri.EscapeDataString(Registration.ClientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}"
        + $"&scope={Uri.EscapeDataString(Registration.Scope)}&state={state}{extra}";

    private async Task<IResult> ReceiveCodeAsync(HttpContext http)
    {
        var query = http.Request.Query;
        if (!_pending.TryRemove(query["state"].ToString(), out var verifier))
        {
            return Finish(ClientOutcome.Failed("state_mismatch", $"The callback's state '{query["state"]}' is not one this app sent."));
        }

        if (!string.IsNullOrEmpty(query["error"]))
        {
            return Finish(ClientOutcome.Failed(query["error"]!, query["error_description"]));
        }

        using var exchange = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = query["code"].ToString(),
                ["redirect_uri"] = Registration.RedirectUri ?? CallbackUri.AbsoluteUri,
                ["code_verifier"] = verifier,
                ["client_id"] = Registration.ClientId,
            }),
        };
        if (Registration.Secret is { } secret)
        {
            exchange.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(Registration.ClientId)}:{Uri.EscapeDataString(secret)}")));
        }

        var response = await _emr.SendAsync(exchange, http.RequestAborted);
        var body = await response.Content.ReadAsStringAsync(http.RequestAborted);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Finish(ClientOutcome.Failed("token_exchange_failed", $"the token endpoint answered {(int)response.StatusCode}: {body}"));
        }

        return Finish(await UseTokenAsync("code", (string)JsonNode.Parse(body)!["access_token"]!, RenameTo, http.RequestAborted));
    }

    private async Task<IResult> ReceiveTokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (!_pending.TryRemove(form["state"].ToString(), out _))
        {
            return Finish(ClientOutcome.Failed("state_mismatch", $"The posted state '{form["state"]}' is not one this app sent."));
        }

        return string.IsNullOrEmpty(form["error"])
            ? Finish(await UseTokenAsync("implicit", form["access_token"].ToString(), renameTo: null, http.RequestAborted))
            : Finish(ClientOutcome.Failed(form["error"]!, form["error_description"]));
    }

    /// <summary>What the app does once signed in: read the patient in context, and rename her if asked.</summary>
    private async Task<ClientOutcome> UseTokenAsync(string flow, string token, string? renameTo, CancellationToken cancellationToken)
    {
        AccessToken = token;
        var before = await ReadPatientAsync(token, cancellationToken);
        if (!before.Succeeded || renameTo is null)
        {
            return new ClientOutcome(flow, null, null, before, null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/ws/rest/v1/person/{before.PatientId}/name")
        {
            Content = JsonContent.Create(new { givenName = "Alice", familyName = renameTo }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var renamed = await _emr.SendAsync(request, cancellationToken);
        var after = renamed.StatusCode == HttpStatusCode.Created
            ? await ReadPatientAsync(token, cancellationToken)
            : FhirRead.Refused(renamed, await renamed.Content.ReadAsStringAsync(cancellationToken), "REST rename");
        return new ClientOutcome(flow, null, null, before, after);
    }

    /// <summary>A SMART patient-context search (the token limits it to her record), then a read of that record.</summary>
    private async Task<FhirRead> ReadPatientAsync(string token, CancellationToken cancellationToken = default)
    {
        var search = await GetFhirAsync("/ws/fhir/Patient", token, cancellationToken);
        if (search.StatusCode != HttpStatusCode.OK)
        {
            return FhirRead.Refused(search, await search.Content.ReadAsStringAsync(cancellationToken), "FHIR search");
        }

        var entries = JsonNode.Parse(await search.Content.ReadAsStringAsync(cancellationToken))!["entry"]?.AsArray() ?? [];
        if (entries.Count != 1)
        {
            return new FhirRead(search.StatusCode, null, null, $"the FHIR search in patient context found {entries.Count} patients, not one");
        }

        var id = (string)entries[0]!["resource"]!["id"]!;
        var read = await GetFhirAsync($"/ws/fhir/Patient/{id}", token, cancellationToken);
        var text = await read.Content.ReadAsStringAsync(cancellationToken);
        if (read.StatusCode != HttpStatusCode.OK)
        {
            return FhirRead.Refused(read, text, "FHIR read");
        }

        var names = JsonNode.Parse(text)!["name"]!.AsArray();
        var official = names.FirstOrDefault(n => (string?)n!["use"] == "official") ?? names[0]!;
        return new FhirRead(read.StatusCode, id, (string?)official["family"], null);
    }

    private async Task<HttpResponseMessage> GetFhirAsync(string path, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/fhir+json");
        return await _emr.SendAsync(request, cancellationToken);
    }

    /// <summary>Shows the outcome to the person in the browser and hands it to the test.</summary>
    private IResult Finish(ClientOutcome outcome)
    {
        _outcomes.Writer.TryWrite(outcome);
        var text = outcome.Describe();
        return Results.Content(
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bob's app</title></head><body><h1>Bob's app</h1><p id=\"outcome\">{WebUtility.HtmlEncode(text)}</p></body></html>",
            "text/html; charset=utf-8");
    }

    private static string NewState() => Pkce.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

/// <summary>The app's registration: its id, its secret (confidential apps), the scope it asks for, and a redirect URI override.</summary>
internal sealed record ClientRegistration(string ClientId, string? Secret, string Scope, string? RedirectUri = null);
