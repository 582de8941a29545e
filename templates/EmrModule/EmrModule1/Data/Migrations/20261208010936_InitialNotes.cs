using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EmrModule1.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialNotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "templatemoduleid_note",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    PatientUuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    WrittenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_templatemoduleid_note", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_templatemoduleid_note_PatientUuid",
                table: "templatemoduleid_note",
                column: "PatientUuid");

            migrationBuilder.CreateIndex(
                name: "IX_templatemoduleid_note_Uuid",
                table: "templatemoduleid_note",
                column: "Uuid",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "templatemoduleid_note");
        }
    }
}
