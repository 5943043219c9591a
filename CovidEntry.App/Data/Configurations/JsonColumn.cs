using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

/// <summary>Maps a private collection field to a jsonb column, compared by content.</summary>
internal static class JsonColumn
{
    public static PropertyBuilder<T> Map<T>(PropertyBuilder<T> property, string column)
        where T : class, new() =>
        property
            .HasColumnName(column)
            .HasColumnType("jsonb")
            .HasConversion(
                value => Serialize(value),
                json => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Default) ?? new T(),
                new ValueComparer<T>(
                    (a, b) => Serialize(a!) == Serialize(b!),
                    value => Serialize(value).GetHashCode(StringComparison.Ordinal),
                    value => JsonSerializer.Deserialize<T>(Serialize(value), JsonSerializerOptions.Default)!));

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Default);
}
