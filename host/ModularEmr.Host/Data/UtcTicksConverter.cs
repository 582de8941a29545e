using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ModularEmr.Host.Data;

/// <summary>Stores an instant as UTC ticks, which SQLite can compare and order.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
