using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ModularEmr.Host.Records.Search;

namespace ModularEmr.Host.Data;

/// <summary>The host's own tables. Modules never see this context: they use the sdk contracts.</summary>
internal sealed class CoreDbContext(DbContextOptions<CoreDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The identifier of the host's migrations history, as a module id would be.</summary>
    public const string MigrationsOwner = "core";

    public DbSet<Person> Persons => Set<Person>();
    public DbSet<PersonName> PersonNames => Set<PersonName>();
    public DbSet<PersonAddress> PersonAddresses => Set<PersonAddress>();
    public DbSet<Patient> Patients => Set<Patient>();
    public DbSet<PatientIdentifier> PatientIdentifiers => Set<PatientIdentifier>();
    public DbSet<PatientIdentifierType> PatientIdentifierTypes => Set<PatientIdentifierType>();
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<Privilege> Privileges => Set<Privilege>();
    public DbSet<ScopeDefinition> Scopes => Set<ScopeDefinition>();
    public DbSet<ModuleState> ModuleStates => Set<ModuleState>();
    public DbSet<Shared.ModuleKey> ModuleKeys => Set<Shared.ModuleKey>();
    public DbSet<Shared.ChangeSignal> ChangeSignals => Set<Shared.ChangeSignal>();

    /// <summary>Cookie and antiforgery keys, kept here when several instances share the database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Set on the contexts of <see cref="Writes.SqliteRecordWriter"/> only (pooled contexts never): their saves
    /// record which persons they changed, in <see cref="Changes"/>, for the writer to signal once committed.
    /// </summary>
    internal bool CollectsChanges { get; init; }

    internal Writes.PersonChanges Changes { get; } = new();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (CollectsChanges)
        {
            Changes.Collect(ChangeTracker);
        }

        var names = SearchKeys.Stamp(ChangeTracker);
        if (names.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // The names and their persons' sort order commit together, in the caller's transaction or in one of their own.
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        await using (own)
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await SearchKeys.SortAsync(this, names, cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            return saved;
        }
    }

    /// <summary>
    /// A save that touches names goes through <see cref="SaveChangesAsync(bool, CancellationToken)"/>, which
    /// keeps the search columns; others may be synchronous (ASP.NET Core Data Protection stores its keys so).
    /// </summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SearchKeys.Stamp(ChangeTracker).Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : throw new NotSupportedException("Save names asynchronously: SaveChangesAsync keeps the search keys in step.");

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Lower-case text uuids, as OpenMRS and FHIR write them.
        configurationBuilder.Properties<Guid>().HaveConversion<string>().HaveMaxLength(38);

        // SQLite cannot order or compare DateTimeOffset; UTC ticks can be, and keep the instant exactly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>(person =>
        {
            person.ToTable("person");
            Audited(person);
            person.Property(p => p.Gender).HasMaxLength(50).IsRequired();
            person.Property(p => p.Version).IsConcurrencyToken();
            // Searches read pages in this order straight from the index (see Records.Search).
            person.HasIndex(p => new { p.SortFamily, p.SortGiven, p.Id });
            person.HasIndex(p => p.Birthdate);
            person.HasMany(p => p.Names).WithOne(n => n.Person).HasForeignKey(n => n.PersonId);
            person.HasMany(p => p.Addresses).WithOne(a => a.Person).HasForeignKey(a => a.PersonId);
        });

        modelBuilder.Entity<PersonName>(name =>
        {
            name.ToTable("person_name");
            Audited(name);
            // Field lengths of OpenMRS's person_name table.
            name.Property(n => n.Prefix).HasMaxLength(50);
            name.Property(n => n.GivenName).HasMaxLength(50);
            name.Property(n => n.MiddleName).HasMaxLength(50);
            name.Property(n => n.FamilyNamePrefix).HasMaxLength(50);
            name.Property(n => n.FamilyName).HasMaxLength(50);
            name.Property(n => n.FamilyName2).HasMaxLength(50);
            name.Property(n => n.FamilyNameSuffix).HasMaxLength(50);
            name.Property(n => n.Degree).HasMaxLength(50);
            // Moving the preferred mark finds the person's preferred name without reading all their names:
            // SQLite uses a partial index for "person_id = ? AND preferred", which is how EF writes the
            // query; a plain (person_id, preferred) index would not serve a bare boolean term.
            name.HasIndex(n => n.PersonId);
            name.HasIndex(n => n.PersonId, "IX_person_name_preferred").HasFilter("preferred");
            // Prefix searches are index ranges over the folded keys (Records.Search.NameKey); a voided name
            // has none, so the ranges hold live names only. Each index also covers the person's sort
            // columns and id, so a range's matches are put in search order without reading a row.
            name.HasIndex(n => new { n.GivenKey, n.PersonSortFamily, n.PersonSortGiven, n.PersonId });
            name.HasIndex(n => new { n.MiddleKey, n.PersonSortFamily, n.PersonSortGiven, n.PersonId });
            name.HasIndex(n => new { n.FamilyKey, n.PersonSortFamily, n.PersonSortGiven, n.PersonId });
            name.HasIndex(n => new { n.Family2Key, n.PersonSortFamily, n.PersonSortGiven, n.PersonId });
        });

        modelBuilder.Entity<PersonAddress>(address =>
        {
            address.ToTable("person_address");
            Audited(address);
            address.Property(a => a.Address1).HasMaxLength(255);
            address.Property(a => a.Address2).HasMaxLength(255);
            address.Property(a => a.CityVillage).HasMaxLength(255);
            address.Property(a => a.StateProvince).HasMaxLength(255);
            address.Property(a => a.PostalCode).HasMaxLength(50);
            address.Property(a => a.Country).HasMaxLength(50);
        });

        modelBuilder.Entity<Patient>(patient =>
        {
            patient.ToTable("patient");
            patient.HasKey(p => p.PersonId);
            patient.HasOne(p => p.Person).WithOne(p => p.Patient).HasForeignKey<Patient>(p => p.PersonId);
            patient.HasMany(p => p.Identifiers).WithOne(i => i.Patient).HasForeignKey(i => i.PatientId);
            patient.Property(p => p.VoidReason).HasMaxLength(255);
        });

        modelBuilder.Entity<PatientIdentifierType>(type =>
        {
            type.ToTable("patient_identifier_type");
            type.HasIndex(t => t.Uuid).IsUnique();
            type.HasIndex(t => t.Name).IsUnique();
            type.Property(t => t.Name).HasMaxLength(50);
            type.Property(t => t.Description).HasMaxLength(255);
            type.Property(t => t.SystemUri).HasMaxLength(255);
        });

        modelBuilder.Entity<PatientIdentifier>(identifier =>
        {
            identifier.ToTable("patient_identifier");
            Audited(identifier);
            identifier.Property(i => i.Identifier).HasMaxLength(50);
            // An identifier names one patient: unique among identifiers in use, whatever checks writers make
            // first. The filter is written as EF writes "!Voided", so SQLite also serves lookups from it.
            identifier.HasIndex(i => new { i.IdentifierTypeId, i.Identifier }).IsUnique().HasFilter("NOT voided");
            // A search by value alone, whatever the system.
            identifier.HasIndex(i => i.Identifier);
        });

        modelBuilder.Entity<UserAccount>(user =>
        {
            user.ToTable("users");
            user.HasIndex(u => u.Uuid).IsUnique();
            user.HasIndex(u => u.NormalizedUsername).IsUnique();
            user.Property(u => u.Username).HasMaxLength(50);
            user.Property(u => u.NormalizedUsername).HasMaxLength(50);
            user.Property(u => u.PasswordHash).HasMaxLength(255);
            user.HasOne(u => u.Person).WithMany().HasForeignKey(u => u.PersonId);
            user.HasMany(u => u.Roles).WithMany(r => r.Users).UsingEntity("user_role");
        });

        modelBuilder.Entity<Role>(role =>
        {
            role.ToTable("role");
            role.HasIndex(r => r.Uuid).IsUnique();
            role.HasIndex(r => r.Name).IsUnique();
            role.Property(r => r.Name).HasMaxLength(50);
            role.Property(r => r.Description).HasMaxLength(1024);
            role.HasMany(r => r.Privileges).WithMany(p => p.Roles).UsingEntity("role_privilege");
        });

        modelBuilder.Entity<Privilege>(privilege =>
        {
            privilege.ToTable("privilege");
            privilege.HasIndex(p => p.Uuid).IsUnique();
            privilege.HasIndex(p => p.Name).IsUnique();
            privilege.Property(p => p.Name).HasMaxLength(255);
            privilege.Property(p => p.Description).HasMaxLength(1024);
        });

        modelBuilder.Entity<ScopeDefinition>(scope =>
        {
            scope.ToTable("oauth_scope");
            scope.HasIndex(s => s.Name).IsUnique();
            scope.Property(s => s.Name).HasMaxLength(100);
            scope.Property(s => s.ModuleId).HasMaxLength(100);
            scope.Property(s => s.DisplayName).HasMaxLength(255);
            scope.Property(s => s.Description).HasMaxLength(1024);
        });

        modelBuilder.Entity<ModuleState>(state =>
        {
            state.ToTable("module_state");
            state.HasKey(s => s.ModuleId);
            state.Property(s => s.ModuleId).HasMaxLength(100);
            state.Property(s => s.Version).HasMaxLength(50);
        });

        modelBuilder.Entity<Shared.ModuleKey>(key =>
        {
            key.ToTable(Shared.ModuleKey.Table);
            key.HasKey(k => new { k.ModuleId, k.Name });
            key.Property(k => k.ModuleId).HasMaxLength(100);
            key.Property(k => k.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<Shared.ChangeSignal>(signal =>
        {
            signal.ToTable(Shared.ChangeSignal.Table);
            signal.HasKey(s => s.Topic);
            signal.Property(s => s.Topic).HasMaxLength(200);
        });

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_key");

        UseSnakeCaseColumns(modelBuilder);
    }

    /// <summary>Column names as OpenMRS writes them: <c>family_name</c>, <c>date_created</c>.</summary>
    private static void UseSnakeCaseColumns(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.GetColumnName()));
            }
        }

        static string SnakeCase(string name)
        {
            var builder = new System.Text.StringBuilder(name.Length + 8);
            for (var i = 0; i < name.Length; i++)
            {
                if (char.IsUpper(name[i]) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(name[i]));
            }

            return builder.ToString();
        }
    }

    private static void Audited<T>(EntityTypeBuilder<T> entity) where T : AuditedData
    {
        entity.HasIndex(e => e.Uuid).IsUnique();
        entity.Property(e => e.VoidReason).HasMaxLength(255);
    }
}
