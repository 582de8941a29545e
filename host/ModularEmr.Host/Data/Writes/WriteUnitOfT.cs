using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ModularEmr.Host.Data.Writes;

/// <summary>A <see cref="WriteUnit"/> whose work returns a <typeparamref name="T"/>.</summary>
internal sealed class WriteUnit<T>(Func<CoreDbContext, SqliteTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    : WriteUnit(cancellationToken)
{
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Answer => _answer.Task;

    public override bool Answered => _answer.Task.IsCompleted;

    public override async Task RunAsync(CoreDbContext db, SqliteTransaction transaction)
    {
        Ran = true;
        // Set inside this async method, the culture holds for the work and is undone when it returns.
        CultureInfo.CurrentUICulture = UICulture;
        _result = await work(db, transaction, CancellationToken);
    }

    public override void Complete() => _answer.TrySetResult(_result!);

    public override void Fail(Exception exception) => _answer.TrySetException(exception);

    public override void Cancel() => _answer.TrySetCanceled(CancellationToken);
}
