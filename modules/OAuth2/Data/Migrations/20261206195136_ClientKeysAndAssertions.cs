using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Modules.OAuth2.Data.Migrations
{
    /// <inheritdoc />
    public partial class ClientKeysAndAssertions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Jwks",
                table: "oauth2_client_registration",
                type: "TEXT",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "oauth2_client_assertion",
                columns: table => new
                {
                    hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_client_assertion", x => x.hash);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_client_assertion_expires_at",
                table: "oauth2_client_assertion",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth2_client_assertion");

            migrationBuilder.DropColumn(
                name: "Jwks",
                table: "oauth2_client_registration");
        }
    }
}
