using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ModularEmr.Host.Accounts;
using ModularEmr.Host.Hosting;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Security.Attacks;

/// <summary>
/// The real host, built as <c>dotnet run</c> builds it, with the modules of the repository's own
/// modules.json, on a real SQLite file, served by Kestrel on 127.0.0.1 and a free port: every attack
/// goes over real HTTP, and raw-path attacks reach Kestrel as sent (<see cref="RawAsync"/>).
/// One host serves every class of the attack collection (booting one costs seconds).
/// </summary>
public sealed class AttackHost : IAsyncLifetime
{
    public const string Redirect = OAuth2Harness.Redirect;
    public const string Confidential = OAuth2Harness.Confidential;
    public const string ConfidentialSecret = OAuth2Harness.ConfidentialSecret;
    public const string Public = OAuth2Harness.Public;
    public const string AlicePatient = "dda12af7-1691-11df-97a5-7038c432aabf";
    public const string AdminPerson = "a0b6c7e2-0001-4c1a-9d3e-5f1d2c3b4a01";
    public const string BobPerson = "b0b6c7e2-0002-4c1a-9d3e-5f1d2c3b4a02";

    private readonly TestFolder _folder = new();
    private readonly ConcurrentDictionary<int, HttpClient> _fromAddress = new();
    private int _nextSource = 1;
    private int _nextUser;
    private WebApplication _app = null!;

    public int Port { get; private set; }

    /// <summary>The origin the host serves and is configured with (<c>Emr:PublicOrigin</c>).</summary>
    public string Origin => $"http://127.0.0.1:{Port}";

    public IServiceProvider Services => _app.Services;

    /// <summary>The host's clock; a test that moves it forward moves it back before it ends.</summary>
    internal AdjustableClock Clock { get; } = new();

    internal CapturedLogs Logs { get; } = new();

    public string DataDirectory => _folder.Combine("data");

    public string DatabaseFile => Path.Combine(DataDirectory, "emr.db");

    /// <summary>A client without cookies that follows no redirect, connecting from 127.0.0.1.</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Port = FreePort();
        _app = await EmrHost.BuildAsync(
            [
                "--data", DataDirectory, "--modules", Path.Combine(Repository.Root, "modules.json"), "--environment", "Development",
                "--urls", Origin, $"--Emr:PublicOrigin={Origin}",
            ],
            HostPurpose.Serve,
            new HostCustomization(
                Builder: builder =>
                {
                    builder.Logging.ClearProviders();
                    builder.Logging.SetMinimumLevel(LogLevel.Warning);
                    builder.Logging.AddProvider(Logs);
                },
                Services: services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock))));
        await _app.StartAsync();
        Client = CreateClient(IPAddress.Loopback);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        foreach (var client in _fromAddress.Values)
        {
            client.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    /// <summary>
    /// A client connecting from its own loopback address (127.0.0.2 and up): the password-grant throttle
    /// counts per client and address, so each caller that is not testing the throttle gets a fresh one.
    /// </summary>
    public HttpClient FromFreshAddress()
    {
        var n = Interlocked.Increment(ref _nextSource);
        return FromAddress(2 + (n % 240));
    }

    /// <summary>A client connecting from 127.0.0.<paramref name="lastOctet"/>; 242 to 254 are never handed out by <see cref="FromFreshAddress"/>.</summary>
    public HttpClient FromAddress(int lastOctet) =>
        _fromAddress.GetOrAdd(lastOctet, octet => CreateClient(new IPAddress([127, 0, 0, (byte)octet])));

    /// <summary>A browser: cookies kept, redirects not followed.</summary>
    internal Browser NewBrowser()
    {
        var cookies = new CookieHandler(Handler(IPAddress.Loopback));
        return new Browser(new HttpClient(cookies) { BaseAddress = new Uri(Origin) }, cookies);
    }

    /// <summary>
    /// Signs in (if asked to) and returns the consent page of an authorization request. Accepts any
    /// redirect after the sign-in POST (302 or 303), so this helper is not what decides that rule.
    /// </summary>
    internal static async Task<string> ConsentPageAsync(Browser browser, string authorizeUrl, string username = "alice", string password = "Alice123")
    {
        var response = await browser.Client.GetAsync(authorizeUrl);
        if (response.Headers.Location?.OriginalString.StartsWith("/ws/oauth2/authenticate_user", StringComparison.Ordinal) == true)
        {
            var login = await browser.Client.GetStringAsync(response.Headers.Location);
            var form = HtmlForm.Find(login, "/ws/oauth2/authenticate_user").With("username", username).With("password", password);
            var signedIn = await browser.Client.PostAsync(form.Action, form.Content());
            Assert.True((int)signedIn.StatusCode is 302 or 303, $"sign-in answered {(int)signedIn.StatusCode}");
            response = await browser.Client.GetAsync(signedIn.Headers.Location);
        }

        var page = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected the consent page, got {(int)response.StatusCode} {response.Headers.Location} {page}");
        return page;
    }

    /// <summary>An authorization code for Alice (or another user), through sign-in and an explicit consent not remembered.</summary>
    internal async Task<string> CodeAsync(string clientId, Pkce? pkce, string scope = "openid launch/patient", string redirectUri = Redirect, string username = "alice", string password = "Alice123")
    {
        var browser = NewBrowser();
        var consent = await ConsentPageAsync(browser, AuthorizationEndpointAttacks.AuthorizeUrl(clientId, redirectUri, pkce, scope, extra: "prompt=consent"), username, password);
        return Browser.Parameters(await browser.DecideAsync(consent, approve: true, remember: false))["code"];
    }

    /// <summary>A username no other test uses, for attacks that lock or fail sign-ins.</summary>
    public async Task<string> CreateUserAsync(string password, params string[] roles)
    {
        var username = $"user{Interlocked.Increment(ref _nextUser)}x{Environment.TickCount64 % 100_000}";
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AccountAdministration>().CreateUserAsync(username, password, roles.Length == 0 ? ["Authenticated"] : roles, null, default);
        return username;
    }

    public Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> TokenAsync((string Id, string Secret)? basic, params (string Key, string Value)[] form) =>
        PostFormAsync(FromFreshAddress(), "/ws/oauth2/token", basic, form);

    public static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> PostFormAsync(
        HttpClient client, string path, (string Id, string Secret)? basic, params (string Key, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))) };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = OAuth2Harness.BasicHeader(credentials.Id, credentials.Secret);
        }

        var response = await client.SendAsync(request);
        return (response.StatusCode, await JsonBodyAsync(response), response);
    }

    public static async Task<JsonObject> JsonBodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return new JsonObject { ["(not json)"] = text };
        }
    }

    /// <summary>Tokens for a user through the confidential demo client's password grant.</summary>
    public async Task<JsonObject> PasswordTokensAsync(string username, string password, string scope, string clientId = Confidential, string secret = ConfidentialSecret)
    {
        var (status, body, _) = await TokenAsync((clientId, secret), ("grant_type", "password"), ("username", username), ("password", password), ("scope", scope));
        Assert.True(status == HttpStatusCode.OK, $"password grant for {username}: {(int)status} {body.ToJsonString()}");
        return body;
    }

    public async Task<string> AccessTokenAsync(string username, string password, string scope) =>
        (string)(await PasswordTokensAsync(username, password, scope))["access_token"]!;

    public Task<string> AliceTokenAsync(string scope) => AccessTokenAsync("alice", "Alice123", scope);

    public Task<string> AdminTokenAsync(string scope) => AccessTokenAsync("admin", "Admin123", scope);

    public async Task<string> SystemTokenAsync(string scope)
    {
        var (status, body, _) = await TokenAsync((Confidential, ConfidentialSecret), ("grant_type", "client_credentials"), ("scope", scope));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    /// <summary>A request with a bearer token (or none).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        adjust?.Invoke(request);
        return await Client.SendAsync(request);
    }

    /// <summary>A JSON API call as a developer script makes it (HTTP Basic).</summary>
    public async Task<HttpResponseMessage> ApiAsync(HttpMethod method, string path, (string User, string Password) basic, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = OAuth2Harness.BasicHeader(basic.User, basic.Password);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Registers a client owned by <paramref name="owner"/>; returns its id and secret (null for a public client).</summary>
    public async Task<(string ClientId, string? Secret)> RegisterClientAsync((string User, string Password) owner, string clientType, string[] grants, string[] scopes, string[]? redirectUris = null)
    {
        var response = await ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", owner, new
        {
            name = "Attack test app",
            clientType,
            grantTypes = grants,
            scopes,
            redirectUris = redirectUris ?? [],
            acceptTerms = true,
            acceptDiscouragedGrants = true,
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonNode.Parse(text)!;
        return ((string)created["client"]!["clientId"]!, (string?)created["clientSecret"]);
    }

    /// <summary>Whether the token is active, asked of the introspection endpoint by the confidential demo client.</summary>
    public async Task<bool> IsActiveAsync(string token, string clientId = Confidential, string secret = ConfidentialSecret)
    {
        var (status, body, _) = await PostFormAsync(Client, "/ws/oauth2/introspect", (clientId, secret), ("token", token));
        Assert.Equal(HttpStatusCode.OK, status);
        return (bool)body["active"]!;
    }

    /// <summary>A demo patient other than Alice: uuid and one identifier.</summary>
    public async Task<(string Uuid, string Identifier)> OtherPatientAsync()
    {
        var rows = await Database.QueryAsync(
            DatabaseFile,
            "SELECT p.uuid || '|' || i.identifier FROM patient pa JOIN person p ON p.id = pa.person_id JOIN patient_identifier i ON i.patient_id = pa.person_id WHERE lower(p.uuid) <> $alice AND pa.voided = 0 ORDER BY p.id LIMIT 1",
            ("$alice", AlicePatient));
        var parts = rows.Single()!.Split('|');
        return (parts[0].ToLowerInvariant(), parts[1]);
    }

    /// <summary>One value from the database file, read directly.</summary>
    public async Task<string?> ScalarAsync(string sql, params (string Name, object Value)[] parameters) =>
        (await Database.QueryAsync(DatabaseFile, sql, parameters)).SingleOrDefault();

    /// <summary>
    /// A checksum of every user table: each table's name, row count and the hash of every row in rowid order.
    /// Columns that a refused sign-in rightly changes (failed-attempt count, lockout) are left out.
    /// </summary>
    public async Task<string> DatabaseChecksumAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var summary = new StringBuilder();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var column = reader.GetName(i);
                    if (VolatileColumns.Contains(column))
                    {
                        continue;
                    }

                    hash.AppendData(Encoding.UTF8.GetBytes($"{column}={(reader.IsDBNull(i) ? "\0" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))};"));
                }
            }

            summary.Append(table).Append(':').Append(rows).Append(' ');
        }

        return summary + Convert.ToHexString(hash.GetHashAndReset());
    }

    private static readonly HashSet<string> VolatileColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        "failed_login_attempts", "FailedLoginAttempts", "lockout_until", "LockoutUntil",
    };

    /// <summary>
    /// Sends <paramref name="requestHead"/> (request line and headers, without Host or the blank line) over a
    /// raw TCP connection, so the path reaches Kestrel exactly as written.
    /// </summary>
    public Task<RawResponse> RawAsync(string method, string rawTarget, IEnumerable<string>? headers = null, string? body = null) =>
        RawAsync(method, rawTarget, headers, body is null ? null : Encoding.UTF8.GetBytes(body));

    /// <summary>As above, with a body of any bytes (Content-Length is added when there is a body).</summary>
    public async Task<RawResponse> RawAsync(string method, string rawTarget, IEnumerable<string>? headers, byte[]? body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        await using var stream = tcp.GetStream();
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(rawTarget).Append(" HTTP/1.1\r\n");
        var headerList = (headers ?? []).ToList();
        if (!headerList.Any(h => h.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Host: 127.0.0.1:").Append(Port).Append("\r\n");
        }

        head.Append("Connection: close\r\n");
        foreach (var header in headerList)
        {
            head.Append(header).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        using var buffer = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await stream.CopyToAsync(buffer, timeout.Token);
        }
        catch (IOException) when (buffer.Length > 0)
        {
            // The server closed the connection after answering (a refused body it did not read).
        }

        return RawResponse.Parse(buffer.ToArray());
    }

    /// <summary>Every route the host maps (from its endpoint data source), with its HTTP methods.</summary>
    public IReadOnlyList<(string Method, string Pattern)> MappedRoutes() =>
        Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"])
                .Select(m => (m, "/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/'))))
            .Distinct()
            .OrderBy(r => r.Item2, StringComparer.Ordinal).ThenBy(r => r.m, StringComparer.Ordinal)
            .ToList();

    private HttpClient CreateClient(IPAddress source) => new(Handler(source)) { BaseAddress = new Uri(Origin) };

    private static SocketsHttpHandler Handler(IPAddress source) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An HTTP/1.1 response read off a raw socket.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static RawResponse Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, "no complete response: " + Encoding.UTF8.GetString(bytes));
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => KeyValuePair.Create(p[0].Trim(), p.Length > 1 ? p[1].Trim() : string.Empty)).ToList();
        var body = bytes[(end + 4)..];
        if (headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        using var result = new MemoryStream();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, position, lineEnd).Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            var start = position + lineEnd + 2;
            result.Write(chunked, start, Math.Min(size, chunked.Length - start));
            position = start + size + 2;
        }

        return result.ToArray();
    }
}

/// <summary>Every attack class shares one host: tests in it run one after another, never against a half-changed state of another.</summary>
[CollectionDefinition(Name)]
public sealed class AttackHostGroup : ICollectionFixture<AttackHost>
{
    public const string Name = "Attacks on the real host over HTTP";
}
