#!/usr/bin/env bash
# Adds an EF Core migration to a module: build/add-migration.sh modules/OAuth2 OAuth2DbContext AddSomething
# A module has no EF provider or design-time factory of its own (the host supplies the database), so
# this lends it both for the one run of 'dotnet ef', then puts the project back as it was.
set -euo pipefail
module="$1" context="$2" name="$3"
project=$(ls "$module"/*.csproj)
namespace=$(sed -n 's:.*<RootNamespace>\(.*\)</RootNamespace>.*:\1:p' "$project")
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$module/module.json")
backup=$(mktemp)
cp "$project" "$backup"
factory="$module/DesignTimeFactory.cs"
# The file declaring the context itself (not its migrations' snapshot, whose class name starts the same).
context_file=$(grep -rlE "class ${context}[ (]" "$module" --include=*.cs --exclude-dir=bin --exclude-dir=obj | head -1)
context_namespace=$(sed -n 's/^namespace \([A-Za-z0-9_.]*\);/\1/p' "$context_file")
trap 'cp "$backup" "$project"; rm -f "$factory"; rm -rf "$module/bin" "$module/obj"' EXIT

sed -i 's|</Project>|  <ItemGroup><PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" /><PackageReference Include="Microsoft.EntityFrameworkCore.Design" /></ItemGroup>\n</Project>|' "$project"
cat > "$factory" <<CS
using Microsoft.EntityFrameworkCore;
namespace ${namespace};
internal sealed class DesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<${context_namespace}.$context>
{
    public ${context_namespace}.$context CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<${context_namespace}.$context>().UseSqlite("Data Source=design-time.db", o => o.MigrationsHistoryTable("__migrations_${id}")).Options);
}
CS
# The lent packages must be restored before dotnet-ef reads the project (it does not restore first).
EmrDesignTime=true dotnet restore "$project" >/dev/null
EmrDesignTime=true dotnet tool run dotnet-ef migrations add "$name" --project "$project" --context "$context" --output-dir Data/Migrations
