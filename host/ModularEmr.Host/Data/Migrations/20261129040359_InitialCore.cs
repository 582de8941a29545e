using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModularEmr.Host.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "module_state",
                columns: table => new
                {
                    module_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    version = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    installed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    upgraded_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_module_state", x => x.module_id);
                });

            migrationBuilder.CreateTable(
                name: "oauth_scope",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    module_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth_scope", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifier_type",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    system_uri = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    retired = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_identifier_type", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "person",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    gender = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    birthdate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    birthdate_estimated = table.Column<bool>(type: "INTEGER", nullable: false),
                    dead = table.Column<bool>(type: "INTEGER", nullable: false),
                    death_date = table.Column<long>(type: "INTEGER", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    creator_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_created = table.Column<long>(type: "INTEGER", nullable: false),
                    changed_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_changed = table.Column<long>(type: "INTEGER", nullable: true),
                    voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    voided_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_voided = table.Column<long>(type: "INTEGER", nullable: true),
                    void_reason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "privilege",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_privilege", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "role",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_role", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "patient",
                columns: table => new
                {
                    person_id = table.Column<int>(type: "INTEGER", nullable: false),
                    creator_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_created = table.Column<long>(type: "INTEGER", nullable: false),
                    voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    date_voided = table.Column<long>(type: "INTEGER", nullable: true),
                    void_reason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient", x => x.person_id);
                    table.ForeignKey(
                        name: "FK_patient_person_person_id",
                        column: x => x.person_id,
                        principalTable: "person",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "person_address",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    person_id = table.Column<int>(type: "INTEGER", nullable: false),
                    preferred = table.Column<bool>(type: "INTEGER", nullable: false),
                    address1 = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    address2 = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    city_village = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    state_province = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    postal_code = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    country = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    creator_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_created = table.Column<long>(type: "INTEGER", nullable: false),
                    changed_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_changed = table.Column<long>(type: "INTEGER", nullable: true),
                    voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    voided_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_voided = table.Column<long>(type: "INTEGER", nullable: true),
                    void_reason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person_address", x => x.id);
                    table.ForeignKey(
                        name: "FK_person_address_person_person_id",
                        column: x => x.person_id,
                        principalTable: "person",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "person_name",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    person_id = table.Column<int>(type: "INTEGER", nullable: false),
                    preferred = table.Column<bool>(type: "INTEGER", nullable: false),
                    prefix = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    given_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    middle_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    family_name_prefix = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    family_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    family_name2 = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    family_name_suffix = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    degree = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    creator_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_created = table.Column<long>(type: "INTEGER", nullable: false),
                    changed_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_changed = table.Column<long>(type: "INTEGER", nullable: true),
                    voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    voided_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_voided = table.Column<long>(type: "INTEGER", nullable: true),
                    void_reason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person_name", x => x.id);
                    table.ForeignKey(
                        name: "FK_person_name_person_person_id",
                        column: x => x.person_id,
                        principalTable: "person",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    username = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    normalized_username = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    person_id = table.Column<int>(type: "INTEGER", nullable: true),
                    retired = table.Column<bool>(type: "INTEGER", nullable: false),
                    failed_login_attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    lockout_until = table.Column<long>(type: "INTEGER", nullable: true),
                    date_created = table.Column<long>(type: "INTEGER", nullable: false),
                    date_changed = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.id);
                    table.ForeignKey(
                        name: "FK_users_person_person_id",
                        column: x => x.person_id,
                        principalTable: "person",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "role_privilege",
                columns: table => new
                {
                    privileges_id = table.Column<int>(type: "INTEGER", nullable: false),
                    roles_id = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_role_privilege", x => new { x.privileges_id, x.roles_id });
                    table.ForeignKey(
                        name: "FK_role_privilege_privilege_privileges_id",
                        column: x => x.privileges_id,
                        principalTable: "privilege",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_role_privilege_role_roles_id",
                        column: x => x.roles_id,
                        principalTable: "role",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifier",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    patient_id = table.Column<int>(type: "INTEGER", nullable: false),
                    identifier_type_id = table.Column<int>(type: "INTEGER", nullable: false),
                    identifier = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    preferred = table.Column<bool>(type: "INTEGER", nullable: false),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    creator_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_created = table.Column<long>(type: "INTEGER", nullable: false),
                    changed_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_changed = table.Column<long>(type: "INTEGER", nullable: true),
                    voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    voided_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    date_voided = table.Column<long>(type: "INTEGER", nullable: true),
                    void_reason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_identifier", x => x.id);
                    table.ForeignKey(
                        name: "FK_patient_identifier_patient_identifier_type_identifier_type_id",
                        column: x => x.identifier_type_id,
                        principalTable: "patient_identifier_type",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_patient_identifier_patient_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patient",
                        principalColumn: "person_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_role",
                columns: table => new
                {
                    roles_id = table.Column<int>(type: "INTEGER", nullable: false),
                    users_id = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_role", x => new { x.roles_id, x.users_id });
                    table.ForeignKey(
                        name: "FK_user_role_role_roles_id",
                        column: x => x.roles_id,
                        principalTable: "role",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_user_role_users_users_id",
                        column: x => x.users_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth_scope_name",
                table: "oauth_scope",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_identifier_type_id_identifier",
                table: "patient_identifier",
                columns: new[] { "identifier_type_id", "identifier" });

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_patient_id",
                table: "patient_identifier",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_uuid",
                table: "patient_identifier",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_type_name",
                table: "patient_identifier_type",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_type_uuid",
                table: "patient_identifier_type",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_person_uuid",
                table: "person",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_person_address_person_id",
                table: "person_address",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "IX_person_address_uuid",
                table: "person_address",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_person_name_family_name",
                table: "person_name",
                column: "family_name");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_given_name",
                table: "person_name",
                column: "given_name");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_person_id",
                table: "person_name",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_uuid",
                table: "person_name",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_privilege_name",
                table: "privilege",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_privilege_uuid",
                table: "privilege",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_name",
                table: "role",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_uuid",
                table: "role",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_privilege_roles_id",
                table: "role_privilege",
                column: "roles_id");

            migrationBuilder.CreateIndex(
                name: "IX_user_role_users_id",
                table: "user_role",
                column: "users_id");

            migrationBuilder.CreateIndex(
                name: "IX_users_normalized_username",
                table: "users",
                column: "normalized_username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_person_id",
                table: "users",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "IX_users_uuid",
                table: "users",
                column: "uuid",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "module_state");

            migrationBuilder.DropTable(
                name: "oauth_scope");

            migrationBuilder.DropTable(
                name: "patient_identifier");

            migrationBuilder.DropTable(
                name: "person_address");

            migrationBuilder.DropTable(
                name: "person_name");

            migrationBuilder.DropTable(
                name: "role_privilege");

            migrationBuilder.DropTable(
                name: "user_role");

            migrationBuilder.DropTable(
                name: "patient_identifier_type");

            migrationBuilder.DropTable(
                name: "patient");

            migrationBuilder.DropTable(
                name: "privilege");

            migrationBuilder.DropTable(
                name: "role");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "person");
        }
    }
}
