namespace CovidEntry.Domain.Entries;

/// <summary>
/// A submitted pass a lead sent back with a comment. Its values are kept here (nothing entered
/// is lost); the entry waits for that pass again.
/// </summary>
public sealed class ReturnedPass
{
    public const int CommentMaxLength = 1000;

    private Dictionary<string, long?> _values = [];

    private ReturnedPass()
    {
    }

    internal ReturnedPass(Pass pass, string comment, string returnedByUserId, DateTime returnedAtUtc)
    {
        Number = pass.Number;
        UserId = pass.UserId;
        SubmittedAtUtc = pass.SubmittedAtUtc;
        _values = pass.ValuesByMetric().ToDictionary(v => v.Key, v => v.Value);
        Comment = comment;
        ReturnedByUserId = returnedByUserId;
        ReturnedAtUtc = returnedAtUtc;
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public int Number { get; private set; }
    public string UserId { get; private set; } = "";
    public DateTime SubmittedAtUtc { get; private set; }
    public IReadOnlyDictionary<string, long?> Values => _values;
    public string Comment { get; private set; } = "";
    public string ReturnedByUserId { get; private set; } = "";
    public DateTime ReturnedAtUtc { get; private set; }
}
