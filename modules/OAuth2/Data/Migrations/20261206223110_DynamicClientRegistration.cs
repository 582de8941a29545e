using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Modules.OAuth2.Data.Migrations
{
    /// <inheritdoc />
    public partial class DynamicClientRegistration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RegistrationMetadata",
                table: "oauth2_client_registration",
                type: "TEXT",
                maxLength: 8000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RegistrationTokenHash",
                table: "oauth2_client_registration",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "oauth2_initial_access_token",
                columns: table => new
                {
                    token_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    developer_uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    uses_left = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_initial_access_token", x => x.token_hash);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_client_registration_RegistrationTokenHash",
                table: "oauth2_client_registration",
                column: "RegistrationTokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth2_initial_access_token");

            migrationBuilder.DropIndex(
                name: "IX_oauth2_client_registration_RegistrationTokenHash",
                table: "oauth2_client_registration");

            migrationBuilder.DropColumn(
                name: "RegistrationMetadata",
                table: "oauth2_client_registration");

            migrationBuilder.DropColumn(
                name: "RegistrationTokenHash",
                table: "oauth2_client_registration");
        }
    }
}
