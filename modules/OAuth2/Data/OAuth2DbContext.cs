using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace ModularEmr.Modules.OAuth2.Data;

/// <summary>The module's own tables: OpenIddict's applications, authorizations, scopes and tokens, and client registrations.</summary>
public sealed class OAuth2DbContext(DbContextOptions<OAuth2DbContext> options) : DbContext(options)
{
    public DbSet<ClientRegistration> ClientRegistrations => Set<ClientRegistration>();

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
            registration.Property(r => r.Kind).HasConversion<string>().HasMaxLength(30);
            registration.Property(r => r.TermsAcceptedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            registration.Property(r => r.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            registration.Property(r => r.UpdatedAt).HasConversion(v => v!.Value.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            registration.HasIndex(r => r.OwnerUuid);
        });
    }
}
