using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Host.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConcurrentWrites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_patient_identifier_identifier_type_id_identifier",
                table: "patient_identifier");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_preferred",
                table: "person_name",
                column: "person_id",
                filter: "preferred");

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_identifier_type_id_identifier",
                table: "patient_identifier",
                columns: new[] { "identifier_type_id", "identifier" },
                unique: true,
                filter: "NOT voided");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_person_name_preferred",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_patient_identifier_identifier_type_id_identifier",
                table: "patient_identifier");

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_identifier_type_id_identifier",
                table: "patient_identifier",
                columns: new[] { "identifier_type_id", "identifier" });
        }
    }
}
