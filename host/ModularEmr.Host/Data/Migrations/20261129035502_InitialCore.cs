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
                    ModuleId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    InstalledAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpgradedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_module_state", x => x.ModuleId);
                });

            migrationBuilder.CreateTable(
                name: "oauth_scope",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ModuleId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth_scope", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifier_type",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    SystemUri = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Retired = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_identifier_type", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "person",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Gender = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Birthdate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    BirthdateEstimated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Dead = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeathDate = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    CreatorId = table.Column<int>(type: "INTEGER", nullable: true),
                    DateCreated = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateChanged = table.Column<long>(type: "INTEGER", nullable: true),
                    Voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    VoidedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateVoided = table.Column<long>(type: "INTEGER", nullable: true),
                    VoidReason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "privilege",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_privilege", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "role",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_role", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patient",
                columns: table => new
                {
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatorId = table.Column<int>(type: "INTEGER", nullable: true),
                    DateCreated = table.Column<long>(type: "INTEGER", nullable: false),
                    Voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    DateVoided = table.Column<long>(type: "INTEGER", nullable: true),
                    VoidReason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient", x => x.PersonId);
                    table.ForeignKey(
                        name: "FK_patient_person_PersonId",
                        column: x => x.PersonId,
                        principalTable: "person",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "person_address",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    Preferred = table.Column<bool>(type: "INTEGER", nullable: false),
                    Address1 = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Address2 = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    CityVillage = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    StateProvince = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    PostalCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Country = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    CreatorId = table.Column<int>(type: "INTEGER", nullable: true),
                    DateCreated = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateChanged = table.Column<long>(type: "INTEGER", nullable: true),
                    Voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    VoidedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateVoided = table.Column<long>(type: "INTEGER", nullable: true),
                    VoidReason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person_address", x => x.Id);
                    table.ForeignKey(
                        name: "FK_person_address_person_PersonId",
                        column: x => x.PersonId,
                        principalTable: "person",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "person_name",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    Preferred = table.Column<bool>(type: "INTEGER", nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    GivenName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    MiddleName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FamilyNamePrefix = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FamilyName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FamilyName2 = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FamilyNameSuffix = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Degree = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    CreatorId = table.Column<int>(type: "INTEGER", nullable: true),
                    DateCreated = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateChanged = table.Column<long>(type: "INTEGER", nullable: true),
                    Voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    VoidedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateVoided = table.Column<long>(type: "INTEGER", nullable: true),
                    VoidReason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person_name", x => x.Id);
                    table.ForeignKey(
                        name: "FK_person_name_person_PersonId",
                        column: x => x.PersonId,
                        principalTable: "person",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    Username = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    NormalizedUsername = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: true),
                    Retired = table.Column<bool>(type: "INTEGER", nullable: false),
                    FailedLoginAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LockoutUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    DateCreated = table.Column<long>(type: "INTEGER", nullable: false),
                    DateChanged = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.Id);
                    table.ForeignKey(
                        name: "FK_users_person_PersonId",
                        column: x => x.PersonId,
                        principalTable: "person",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "role_privilege",
                columns: table => new
                {
                    PrivilegesId = table.Column<int>(type: "INTEGER", nullable: false),
                    RolesId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_role_privilege", x => new { x.PrivilegesId, x.RolesId });
                    table.ForeignKey(
                        name: "FK_role_privilege_privilege_PrivilegesId",
                        column: x => x.PrivilegesId,
                        principalTable: "privilege",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_role_privilege_role_RolesId",
                        column: x => x.RolesId,
                        principalTable: "role",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifier",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PatientId = table.Column<int>(type: "INTEGER", nullable: false),
                    IdentifierTypeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Preferred = table.Column<bool>(type: "INTEGER", nullable: false),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 38, nullable: false),
                    CreatorId = table.Column<int>(type: "INTEGER", nullable: true),
                    DateCreated = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateChanged = table.Column<long>(type: "INTEGER", nullable: true),
                    Voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    VoidedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DateVoided = table.Column<long>(type: "INTEGER", nullable: true),
                    VoidReason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_identifier", x => x.Id);
                    table.ForeignKey(
                        name: "FK_patient_identifier_patient_PatientId",
                        column: x => x.PatientId,
                        principalTable: "patient",
                        principalColumn: "PersonId",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_patient_identifier_patient_identifier_type_IdentifierTypeId",
                        column: x => x.IdentifierTypeId,
                        principalTable: "patient_identifier_type",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_role",
                columns: table => new
                {
                    RolesId = table.Column<int>(type: "INTEGER", nullable: false),
                    UsersId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_role", x => new { x.RolesId, x.UsersId });
                    table.ForeignKey(
                        name: "FK_user_role_role_RolesId",
                        column: x => x.RolesId,
                        principalTable: "role",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_user_role_users_UsersId",
                        column: x => x.UsersId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth_scope_Name",
                table: "oauth_scope",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_IdentifierTypeId_Identifier",
                table: "patient_identifier",
                columns: new[] { "IdentifierTypeId", "Identifier" });

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_PatientId",
                table: "patient_identifier",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_Uuid",
                table: "patient_identifier",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_type_Name",
                table: "patient_identifier_type",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifier_type_Uuid",
                table: "patient_identifier_type",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_person_Uuid",
                table: "person",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_person_address_PersonId",
                table: "person_address",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_person_address_Uuid",
                table: "person_address",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_person_name_FamilyName",
                table: "person_name",
                column: "FamilyName");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_GivenName",
                table: "person_name",
                column: "GivenName");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_PersonId",
                table: "person_name",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_person_name_Uuid",
                table: "person_name",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_privilege_Name",
                table: "privilege",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_privilege_Uuid",
                table: "privilege",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_Name",
                table: "role",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_Uuid",
                table: "role",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_privilege_RolesId",
                table: "role_privilege",
                column: "RolesId");

            migrationBuilder.CreateIndex(
                name: "IX_user_role_UsersId",
                table: "user_role",
                column: "UsersId");

            migrationBuilder.CreateIndex(
                name: "IX_users_NormalizedUsername",
                table: "users",
                column: "NormalizedUsername",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_PersonId",
                table: "users",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_users_Uuid",
                table: "users",
                column: "Uuid",
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
                name: "patient");

            migrationBuilder.DropTable(
                name: "patient_identifier_type");

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
