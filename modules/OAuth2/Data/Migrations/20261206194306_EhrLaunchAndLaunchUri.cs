using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Modules.OAuth2.Data.Migrations
{
    /// <inheritdoc />
    public partial class EhrLaunchAndLaunchUri : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LaunchUri",
                table: "oauth2_client_registration",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

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
                name: "IX_oauth2_ehr_launch_expires_at",
                table: "oauth2_ehr_launch",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth2_ehr_launch");

            migrationBuilder.DropColumn(
                name: "LaunchUri",
                table: "oauth2_client_registration");
        }
    }
}
