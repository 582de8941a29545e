using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Host.Data.Migrations
{
    /// <inheritdoc />
    public partial class SearchInNameOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
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

            migrationBuilder.AddColumn<string>(
                name: "person_sort_family",
                table: "person_name",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "person_sort_given",
                table: "person_name",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Names stored before this migration take their person's sort columns (later saves keep them).
            migrationBuilder.Sql(
                "UPDATE person_name SET " +
                "person_sort_family = (SELECT p.sort_family FROM person AS p WHERE p.id = person_name.person_id), " +
                "person_sort_given = (SELECT p.sort_given FROM person AS p WHERE p.id = person_name.person_id);");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_family_key_person_sort_family_person_sort_given_person_id",
                table: "person_name",
                columns: new[] { "family_key", "person_sort_family", "person_sort_given", "person_id" });

            migrationBuilder.CreateIndex(
                name: "IX_person_name_family2_key_person_sort_family_person_sort_given_person_id",
                table: "person_name",
                columns: new[] { "family2_key", "person_sort_family", "person_sort_given", "person_id" });

            migrationBuilder.CreateIndex(
                name: "IX_person_name_given_key_person_sort_family_person_sort_given_person_id",
                table: "person_name",
                columns: new[] { "given_key", "person_sort_family", "person_sort_given", "person_id" });

            migrationBuilder.CreateIndex(
                name: "IX_person_name_middle_key_person_sort_family_person_sort_given_person_id",
                table: "person_name",
                columns: new[] { "middle_key", "person_sort_family", "person_sort_given", "person_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_person_name_family_key_person_sort_family_person_sort_given_person_id",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_name_family2_key_person_sort_family_person_sort_given_person_id",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_name_given_key_person_sort_family_person_sort_given_person_id",
                table: "person_name");

            migrationBuilder.DropIndex(
                name: "IX_person_name_middle_key_person_sort_family_person_sort_given_person_id",
                table: "person_name");

            migrationBuilder.DropColumn(
                name: "person_sort_family",
                table: "person_name");

            migrationBuilder.DropColumn(
                name: "person_sort_given",
                table: "person_name");

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
        }
    }
}
