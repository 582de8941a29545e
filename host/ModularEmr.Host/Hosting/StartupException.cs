namespace ModularEmr.Host.Hosting;

/// <summary>The host cannot start; the message is the one line the operator sees.</summary>
internal class StartupException(string message, Exception? inner = null) : Exception(message, inner);
