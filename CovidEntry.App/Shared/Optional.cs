namespace CovidEntry.App.Shared;

/// <summary>A value that may be given or not; unlike null, "not given" and "given as null" differ.</summary>
public readonly record struct Optional<T>(T Value)
{
    public bool HasValue { get; } = true;

    public static implicit operator Optional<T>(T value) => new(value);
}
