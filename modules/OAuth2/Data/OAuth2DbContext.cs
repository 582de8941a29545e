using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace ModularEmr.Modules.OAuth2.Data;

/// <summary>The module's own tables: OpenIddict's applications, authorizations, scopes and tokens, client registrations, password-grant attempts when the database is shared, EHR launches, client assertion ids and initial access tokens.</summary>
public sealed class OAuth2DbContext(DbContextOptions<OAuth2DbContext> options) : DbContext(options)
{
    public DbSet<ClientRegistration> ClientRegistrations => Set<ClientRegistration>();

    public DbSet<PasswordAttempts> PasswordAttempts => Set<PasswordAttempts>();

    public DbSet<EhrLaunch> EhrLaunches => Set<EhrLaunch>();

    public DbSet<ClientAssertionUse> ClientAssertionUses => Set<ClientAssertionUse>();

    public DbSet<InitialAccessToken> InitialAccessTokens => Set<InitialAccessToken>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("oauth2_application");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("oauth2_authorization");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("oauth2_scope");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("oauth2_token");

        modelBuilder.Entity<ClientRegistration>(registration =>
        {
            registration.ToTable("oauth2_client_registration");
            registration.HasKey(r => r.ClientId);
            registration.Property(r => r.ClientId).HasMaxLength(100);
            registration.Property(r => r.OwnerUuid).HasConversion<string>().HasMaxLength(38);
            registration.Property(r => r.Description).HasMaxLength(1000);
            registration.Property(r => r.Website).HasMaxLength(500);
            registration.Property(r => r.LaunchUri).HasMaxLength(1000);
            registration.Property(r => r.Jwks).HasMaxLength(20_000);
            registration.Property(r => r.AllowedOrigins).HasMaxLength(4000);
            registration.Property(r => r.Kind).HasConversion<string>().HasMaxLength(30);
            registration.Property(r => r.TermsAcceptedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            registration.Property(r => r.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            registration.Property(r => r.UpdatedAt).HasConversion(v => v!.Value.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            registration.Property(r => r.RegistrationTokenHash).HasMaxLength(64);
            registration.Property(r => r.RegistrationMetadata).HasMaxLength(8000);
            registration.HasIndex(r => r.OwnerUuid);
            registration.HasIndex(r => r.RegistrationTokenHash).IsUnique();
        });

        modelBuilder.Entity<PasswordAttempts>(attempts =>
        {
            attempts.ToTable(Data.PasswordAttempts.Table);
            attempts.HasKey(a => a.Source);
            attempts.Property(a => a.Source).HasColumnName("source").HasMaxLength(200);
            attempts.Property(a => a.WindowStart).HasColumnName("window_start");
            attempts.Property(a => a.Attempts).HasColumnName("attempts");
        });

        modelBuilder.Entity<EhrLaunch>(launch =>
        {
            launch.ToTable(EhrLaunch.Table);
            launch.HasKey(l => l.IdHash);
            launch.Property(l => l.IdHash).HasColumnName("id_hash").HasMaxLength(64);
            launch.Property(l => l.ClientId).HasColumnName("client_id").HasMaxLength(100);
            launch.Property(l => l.UserUuid).HasColumnName("user_uuid").HasConversion<string>().HasMaxLength(38);
            launch.Property(l => l.PatientUuid).HasColumnName("patient_uuid").HasConversion<string>().HasMaxLength(38);
            launch.Property(l => l.CreatedAt).HasColumnName("created_at");
            launch.Property(l => l.ExpiresAt).HasColumnName("expires_at");
            launch.Property(l => l.UsedAt).HasColumnName("used_at");
            launch.HasIndex(l => l.ExpiresAt);
        });

        modelBuilder.Entity<InitialAccessToken>(token =>
        {
            token.ToTable(InitialAccessToken.Table);
            token.HasKey(t => t.TokenHash);
            token.Property(t => t.TokenHash).HasColumnName("token_hash").HasMaxLength(64);
            token.Property(t => t.DeveloperUuid).HasColumnName("developer_uuid").HasConversion<string>().HasMaxLength(38);
            token.Property(t => t.CreatedAt).HasColumnName("created_at");
            token.Property(t => t.ExpiresAt).HasColumnName("expires_at");
            token.Property(t => t.UsesLeft).HasColumnName("uses_left");
        });

        modelBuilder.Entity<ClientAssertionUse>(use =>
        {
            use.ToTable(ClientAssertionUse.Table);
            use.HasKey(u => u.Hash);
            use.Property(u => u.Hash).HasColumnName("hash").HasMaxLength(64);
            use.Property(u => u.ExpiresAt).HasColumnName("expires_at");
            use.HasIndex(u => u.ExpiresAt);
        });
    }
}
