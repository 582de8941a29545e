// Serves GET /ws/fhir/Patient/{id} with the bytes the real host returned for it, so that bench/run.sh
// measures what auth, the database and FHIR serialization cost on top of bare Kestrel.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var body = await File.ReadAllBytesAsync(app.Configuration["PatientFile"] ?? throw new InvalidOperationException("Pass --PatientFile FILE"));
app.MapGet("/ws/fhir/Patient/{id}", (string id) => Results.Bytes(body, "application/fhir+json; charset=utf-8"));
await app.RunAsync();
