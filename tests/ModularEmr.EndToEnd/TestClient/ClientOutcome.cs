using System.Net;

namespace ModularEmr.EndToEnd.TestClient;

/// <summary>What the test client got from one callback: an error from the server, or what it read and changed.</summary>
internal sealed record ClientOutcome(string Flow, string? Error, string? ErrorDescription, FhirRead? Read, FhirRead? ReadAfterRename)
{
    public static ClientOutcome Failed(string error, string? description) => new("callback", error, description, null, null);

    public string Describe() => Error is not null
        ? $"The sign-in did not complete: {Error}{(string.IsNullOrEmpty(ErrorDescription) ? string.Empty : $" ({ErrorDescription})")}"
        : $"Signed in ({Flow} flow). {Read?.Describe()}{(ReadAfterRename is null ? string.Empty : $" After the rename: {ReadAfterRename.Describe()}")}";

    /// <summary>Fails, saying what went wrong, unless the client signed in and read (and renamed) the patient.</summary>
    public FhirRead AssertSignedInAndRead()
    {
        if (Error is not null)
        {
            throw new Xunit.Sdk.XunitException($"The client did not sign in: its callback received '{Error}'{(ErrorDescription is null ? string.Empty : $": {ErrorDescription}")}");
        }

        Read!.AssertSucceeded();
        ReadAfterRename?.AssertSucceeded();
        return ReadAfterRename ?? Read;
    }
}

/// <summary>The client's read of the patient in context: her id and family name, or why the server refused.</summary>
internal sealed record FhirRead(HttpStatusCode Status, string? PatientId, string? FamilyName, string? Refusal)
{
    public bool Succeeded => Refusal is null;

    public static FhirRead Refused(HttpResponseMessage response, string body, string what)
    {
        var challenge = response.Headers.WwwAuthenticate.ToString();
        return new FhirRead(response.StatusCode, null, null,
            $"the server refused the client's {what} with {(int)response.StatusCode} {response.StatusCode}{(challenge.Length == 0 ? string.Empty : $" (WWW-Authenticate: {challenge})")}: {body}");
    }

    public string Describe() => Succeeded ? $"Patient {PatientId}, family name {FamilyName}." : $"Refused: {Refusal}";

    public void AssertSucceeded()
    {
        if (!Succeeded)
        {
            throw new Xunit.Sdk.XunitException("The client could not use its token: " + Refusal);
        }
    }
}
