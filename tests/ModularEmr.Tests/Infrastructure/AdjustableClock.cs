namespace ModularEmr.Tests.Infrastructure;

/// <summary>The system clock, moved forward on demand: expiry and lockout end without waiting.</summary>
internal sealed class AdjustableClock : TimeProvider
{
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

    public void Advance(TimeSpan by) => _offset += by;
}
