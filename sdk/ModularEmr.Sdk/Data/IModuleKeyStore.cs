namespace ModularEmr.Sdk.Data;

/// <summary>
/// Where a module keeps key material it makes once and reuses (signing and encryption keys): the data
/// folder (<c>keys/{module}/</c>, owner-only files) on the embedded database, the database itself when it is
/// shared, so every instance signs and reads with the same keys. Available while the module registers its
/// services (<see cref="Modules.ModuleContext.Keys"/>). Added in sdk 1.4.0.
/// </summary>
public interface IModuleKeyStore
{
    /// <summary>
    /// The text stored under <paramref name="name"/>, made by <paramref name="create"/> and stored first if there
    /// is none. When two instances make one at once, both get the one stored first.
    /// </summary>
    string GetOrCreate(string name, Func<string> create);

    /// <summary>Where <paramref name="name"/> is kept, for messages (a file path, or the database table and key).</summary>
    string Describe(string name);
}
