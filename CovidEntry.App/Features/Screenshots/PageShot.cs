namespace CovidEntry.App.Features.Screenshots;

/// <summary>One successful capture: the PNG and what the browser saw when it took it.</summary>
public sealed record PageShot(byte[] Png, int? HttpStatus, string FinalUrl, string? Title, TimeSpan Duration);
