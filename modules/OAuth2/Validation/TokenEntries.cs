using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Sdk.Data;
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
/// Inserts token entries through the database's write path (<see cref="IEmrDatabase.WriteAsync{T}"/>): on the
/// embedded database the entries of concurrent requests, and the record writes beside them, share one commit
/// and one fsync (SQLite commits FULL). An entry is answered only once durable, and a failed entry fails only
/// its own request.
/// </summary>
public sealed class TokenEntryWriter(IServiceScopeFactory scopes, IEmrDatabase database)
{
    private TokenInsert? _insert;

    /// <summary>A token entry as its own row: the stored columns, and its relations as foreign keys.</summary>
    public static TokenRow Row(OpenIddictEntityFrameworkCoreToken token) =>
        new(StoredColumns<OpenIddictEntityFrameworkCoreToken>.Copy(token), token.Application?.Id, token.Authorization?.Id);

    public async Task InsertAsync(TokenRow row, CancellationToken cancellationToken)
    {
        var insert = _insert ??= await ReadInsertAsync();

        // One INSERT bound by hand: EF's change tracking and command building cost more than SQLite's own
        // work for these rows, and nothing tracks them afterwards.
        await database.WriteAsync(
            async (connection, transaction, token) =>
            {
                await using var command = insert.Command(connection, transaction);
                insert.Bind(command, row);
                return await command.ExecuteNonQueryAsync(token);
            },
            cancellationToken);
    }

    private async Task<TokenInsert> ReadInsertAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        return TokenInsert.From(scope.ServiceProvider.GetRequiredService<OAuth2DbContext>());
    }
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
