using Microsoft.EntityFrameworkCore;

namespace ModularEmr.Samples.Allergies;

/// <summary>The module's own table, migrated on install through the sdk.</summary>
public sealed class AllergyDbContext(DbContextOptions<AllergyDbContext> options) : DbContext(options)
{
    public DbSet<Allergy> Allergies => Set<Allergy>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Allergy>(allergy =>
    {
        allergy.ToTable("allergy");
        allergy.HasIndex(a => a.Uuid).IsUnique();
        allergy.HasIndex(a => a.PatientUuid);
        allergy.Property(a => a.Uuid).HasConversion<string>().HasMaxLength(38);
        allergy.Property(a => a.PatientUuid).HasConversion<string>().HasMaxLength(38);
        allergy.Property(a => a.RecordedBy).HasConversion<string>().HasMaxLength(38);
        allergy.Property(a => a.Substance).HasMaxLength(100);
        allergy.Property(a => a.Reaction).HasMaxLength(255);
        allergy.Property(a => a.Severity).HasConversion<string>().HasMaxLength(20);
        allergy.Property(a => a.ClinicalStatus).HasConversion<string>().HasMaxLength(20);
        allergy.Property(a => a.RecordedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
    });
}
