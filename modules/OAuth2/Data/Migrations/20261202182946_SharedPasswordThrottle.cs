using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Modules.OAuth2.Data.Migrations
{
    /// <inheritdoc />
    public partial class SharedPasswordThrottle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "oauth2_password_attempt",
                columns: table => new
                {
                    source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    window_start = table.Column<long>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_password_attempt", x => x.source);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth2_password_attempt");
        }
    }
}
