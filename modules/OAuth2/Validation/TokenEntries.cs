using System.Data.Common;
using System.Runtime.Loader;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Data;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// OpenIddict's token store, except that new token entries are written by <see cref="TokenEntryWriter"/>,
/// which commits the entries of concurrent requests together. The call still returns only once the entry is
/// durable, so a token is never handed out before the entry that lets it be validated and revoked.
/// </summary>
public sealed class GroupCommitTokenStore(
    IMemoryCache cache,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    TokenEntryWriter writer)
    : OpenIddictEntityFrameworkCoreTokenStore<OpenIddictEntityFrameworkCoreToken, OpenIddictEntityFrameworkCoreApplication, OpenIddictEntityFrameworkCoreAuthorization, string>(cache, context, options)
{
    public override async ValueTask CreateAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        token.Id ??= Guid.NewGuid().ToString();
        await writer.InsertAsync(TokenEntryWriter.Row(token), cancellationToken);

        // The entry is left untracked by this request's context: OpenIddict reads a new token's identifier
        // from the object, and an update attaches it (EF derives the foreign keys from its navigations).
    }

    /// <summary>A token being created has no authorization to unlink; the base store would ask EF for the relation.</summary>
    public override ValueTask SetAuthorizationIdAsync(OpenIddictEntityFrameworkCoreToken token, string? identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (identifier is null && token.Id is null)
        {
            token.Authorization = null;
            return ValueTask.CompletedTask;
        }

        return base.SetAuthorizationIdAsync(token, identifier, cancellationToken);
    }
}

/// <summary>
/// Inserts token entries in batches: whatever entries arrive while one transaction commits go into the
/// next, so many requests share one fsync (SQLite commits FULL). A failed batch is retried one entry at a
/// time, so one bad entry fails only its own request.
/// </summary>
public sealed partial class TokenEntryWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<TokenEntryWriter> _logger;
    private readonly Task _loop;
    private TokenInsert? _insert;

    public TokenEntryWriter(IServiceScopeFactory scopes, ILogger<TokenEntryWriter> logger)
    {
        _scopes = scopes;
        _logger = logger;
        // The loop outlives the request that first needed it: it must not carry that request's context.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(WriteAsync);
        }
    }

    /// <summary>A token entry as its own row: the stored columns, and its relations as foreign keys.</summary>
    public static TokenRow Row(OpenIddictEntityFrameworkCoreToken token) =>
        new(StoredColumns<OpenIddictEntityFrameworkCoreToken>.Copy(token), token.Application?.Id, token.Authorization?.Id);

    public async Task InsertAsync(TokenRow row, CancellationToken cancellationToken)
    {
        var pending = new Pending(row, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The server is stopping; no more tokens are issued.");
        }

        await pending.Written.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop;
    }

    private async Task WriteAsync()
    {
        // The entity types live in this module's load context.
        using var reflection = AssemblyLoadContext.EnterContextualReflection(typeof(TokenEntryWriter).Assembly);
        var batch = new List<Pending>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            // Whatever fails is handed to the requests waiting for their entries (they answer 500), never
            // dropped: the loop itself must outlive any one failure, or every later token request would hang.
            try
            {
                await SaveAsync(batch);
                batch.ForEach(p => p.Written.TrySetResult());
            }
            catch (Exception exception) when (batch.Count > 1)
            {
                BatchFailed(_logger, batch.Count, exception);
                foreach (var pending in batch)
                {
                    await SaveOneAsync(pending);
                }
            }
            catch (Exception exception)
            {
                batch[0].Written.TrySetException(exception);
            }

            batch.Clear();
        }
    }

    private async Task SaveOneAsync(Pending pending)
    {
        try
        {
            await SaveAsync([pending]);
            pending.Written.TrySetResult();
        }
        catch (Exception exception)
        {
            pending.Written.TrySetException(exception);
        }
    }

    private async Task SaveAsync(IReadOnlyList<Pending> batch)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OAuth2DbContext>();
        _insert ??= TokenInsert.From(db);

        // One INSERT command, rebound for each entry (SQLite reuses its compiled statement): EF's change
        // tracking and command building cost more than SQLite's own work for these rows, and nothing
        // tracks them afterwards.
        await db.Database.OpenConnectionAsync();
        try
        {
            // Begun through EF, so the host's write gate sees it: the batch waits its turn asynchronously
            // instead of in SQLite's busy handler.
            var connection = db.Database.GetDbConnection();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await using var command = _insert.Command(connection, transaction.GetDbTransaction());
            foreach (var (row, _) in batch)
            {
                _insert.Bind(command, row);
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} token entries failed; writing them one by one")]
    private static partial void BatchFailed(ILogger logger, int count, Exception exception);

    private sealed record Pending(TokenRow Row, TaskCompletionSource Written);
}

/// <summary>A token entry ready to insert.</summary>
public sealed record TokenRow(OpenIddictEntityFrameworkCoreToken Token, string? ApplicationId, string? AuthorizationId);

/// <summary>
/// The INSERT of a token entry, read from the EF model (table, columns, type mappings and converters), so
/// it follows the model as OpenIddict's migrations change it. A column it cannot fill stops the writer
/// with a clear error rather than writing rows without it.
/// </summary>
internal sealed class TokenInsert
{
    private const string ApplicationId = "ApplicationId";
    private const string AuthorizationId = "AuthorizationId";

    private readonly string _sql;
    private readonly IProperty[] _columns;

    private TokenInsert(string sql, IProperty[] columns) => (_sql, _columns) = (sql, columns);

    public static TokenInsert From(DbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var entity = db.Model.FindEntityType(typeof(OpenIddictEntityFrameworkCoreToken))
            ?? throw new InvalidOperationException("The OAuth2 model has no token entity.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().ToArray();
        if (columns.FirstOrDefault(c => c.IsShadowProperty() && c.Name is not (ApplicationId or AuthorizationId)) is { } unknown)
        {
            throw new InvalidOperationException($"The token entity has a column the token writer cannot fill: '{unknown.Name}'.");
        }

        var names = string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)));
        var values = string.Join(", ", columns.Select((_, i) => $"@p{i}"));
        return new TokenInsert($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values})", columns);
    }

    public DbCommand Command(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _sql;
        return command;
    }

    public void Bind(DbCommand command, TokenRow row)
    {
        command.Parameters.Clear();
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i];
            var value = column.Name switch
            {
                ApplicationId when column.IsShadowProperty() => row.ApplicationId,
                AuthorizationId when column.IsShadowProperty() => row.AuthorizationId,
                _ => column.GetGetter().GetClrValueUsingContainingEntity(row.Token),
            };
            command.Parameters.Add(column.GetRelationalTypeMapping().CreateParameter(command, $"@p{i}", value, column.IsNullable));
        }
    }
}
