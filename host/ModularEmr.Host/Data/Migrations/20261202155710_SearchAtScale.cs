using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Host.Data.Migrations
{
    /// <inheritdoc />
    public partial class SearchAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_person_name_family_name",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_name_given_name",
                table: "person_name");

            migrationBuilder.AddColumn<string>(
                name: "family2_key",
                table: "person_name",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "family_key",
                table: "person_name",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "given_key",
                table: "person_name",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "middle_key",
                table: "person_name",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sort_family",
                table: "person",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "sort_given",
                table: "person",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_family_key",
                table: "person_name",
                column: "family_key");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_family2_key",
                table: "person_name",
                column: "family2_key");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_given_key",
                table: "person_name",
                column: "given_key");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_middle_key",
                table: "person_name",
                column: "middle_key");

            migrationBuilder.CreateIndex(
                name: "IX_person_birthdate",
                table: "person",
                column: "birthdate");

            migrationBuilder.CreateIndex(
                name: "IX_person_sort_family_sort_given_id",
                table: "person",
                columns: new[] { "sort_family", "sort_given", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_identifier",
                table: "patient_identifier",
                column: "identifier");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_person_name_family_key",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_name_family2_key",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_name_given_key",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_name_middle_key",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_birthdate",
                table: "person");

            migrationBuilder.DropIndex(
                name: "IX_person_sort_family_sort_given_id",
                table: "person");

            migrationBuilder.DropIndex(
                name: "IX_patient_identifier_identifier",
                table: "patient_identifier");

            migrationBuilder.DropColumn(
                name: "family2_key",
                table: "person_name");

            migrationBuilder.DropColumn(
                name: "family_key",
                table: "person_name");

            migrationBuilder.DropColumn(
                name: "given_key",
                table: "person_name");

            migrationBuilder.DropColumn(
                name: "middle_key",
                table: "person_name");

            migrationBuilder.DropColumn(
                name: "sort_family",
                table: "person");

            migrationBuilder.DropColumn(
                name: "sort_given",
                table: "person");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_family_name",
                table: "person_name",
                column: "family_name");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_given_name",
                table: "person_name",
                column: "given_name");
        }
    }
}
