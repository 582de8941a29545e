using Microsoft.EntityFrameworkCore;

namespace EmrModule1;

/// <summary>
/// The module's own table on the host's database. Add a migration after changing it:
/// <c>dotnet build -t:AddMigration -p:MigrationName=AddSomething -p:DbContext=EmrModule1DbContext</c>,
/// and raise the version in module.json so that installed hosts apply it.
/// </summary>
public sealed class EmrModule1DbContext(DbContextOptions<EmrModule1DbContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Note>(note =>
    {
        note.ToTable("templatemoduleid_note");
        note.HasIndex(n => n.Uuid).IsUnique();
        note.HasIndex(n => n.PatientUuid);
        note.Property(n => n.Uuid).HasConversion<string>().HasMaxLength(38);
        note.Property(n => n.PatientUuid).HasConversion<string>().HasMaxLength(38);
        note.Property(n => n.Text).HasMaxLength(1000);
        note.Property(n => n.WrittenAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
    });
}
