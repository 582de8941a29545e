namespace EmrModule1;

/// <summary>A note as the API shows it.</summary>
public sealed record NoteView(Guid Uuid, string Text, DateTimeOffset WrittenAt);
