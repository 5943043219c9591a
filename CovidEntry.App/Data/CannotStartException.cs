namespace CovidEntry.App.Data;

/// <summary>
/// The app cannot start, for a reason its operator can fix (a setting, a file, a process already
/// running): the message is the sentence to print, without a stack trace.
/// </summary>
public sealed class CannotStartException(string message) : InvalidOperationException(message);
