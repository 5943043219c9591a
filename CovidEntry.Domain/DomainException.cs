namespace CovidEntry.Domain;

/// <summary>
/// Thrown when an action would break a rule of the domain. The message is written for the
/// person who tried the action: it says what is wrong and, where possible, what to do.
/// </summary>
public sealed class DomainException(string message) : Exception(message);
