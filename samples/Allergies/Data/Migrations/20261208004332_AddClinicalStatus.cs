using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Samples.Allergies.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddClinicalStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClinicalStatus",
                table: "allergy",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                // Allergies recorded before this version were all current ones.
                defaultValue: "Active");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClinicalStatus",
                table: "allergy");
        }
    }
}
