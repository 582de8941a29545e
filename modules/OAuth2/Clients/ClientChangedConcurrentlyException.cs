namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>Another request changed or deleted the client between this request's read and its write: answered 409, nothing written.</summary>
public sealed class ClientChangedConcurrentlyException(Exception inner)
    : Exception("The client was changed by another request at the same time; read it again and retry.", inner);
