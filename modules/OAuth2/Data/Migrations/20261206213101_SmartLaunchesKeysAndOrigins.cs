using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Modules.OAuth2.Data.Migrations
{
    /// <inheritdoc />
    public partial class SmartLaunchesKeysAndOrigins : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AllowedOrigins",
                table: "oauth2_client_registration",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Jwks",
                table: "oauth2_client_registration",
                type: "TEXT",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LaunchUri",
                table: "oauth2_client_registration",
                type: "TEXT",
                maxLength: 1000,
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

            migrationBuilder.CreateTable(
                name: "oauth2_ehr_launch",
                columns: table => new
                {
                    id_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    user_uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    patient_uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    used_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_ehr_launch", x => x.id_hash);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_client_assertion_expires_at",
                table: "oauth2_client_assertion",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_ehr_launch_expires_at",
                table: "oauth2_ehr_launch",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth2_client_assertion");

            migrationBuilder.DropTable(
                name: "oauth2_ehr_launch");

            migrationBuilder.DropColumn(
                name: "AllowedOrigins",
                table: "oauth2_client_registration");

            migrationBuilder.DropColumn(
                name: "Jwks",
                table: "oauth2_client_registration");

            migrationBuilder.DropColumn(
                name: "LaunchUri",
                table: "oauth2_client_registration");
        }
    }
}
