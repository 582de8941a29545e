using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Samples.Allergies.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialAllergies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "allergy",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    PatientUuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    Substance = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Reaction = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 38, nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_allergy", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_allergy_PatientUuid",
                table: "allergy",
                column: "PatientUuid");

            migrationBuilder.CreateIndex(
                name: "IX_allergy_Uuid",
                table: "allergy",
                column: "Uuid",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "allergy");
        }
    }
}
