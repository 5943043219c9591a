using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Domain.Entries;

public enum EntryStatus
{
    /// <summary>Waiting for one or both passes.</summary>
    AwaitingPasses,

    /// <summary>Both passes are in and disagree on at least one field.</summary>
    Mismatch,

    /// <summary>Every value is agreed or reconciled: ready to publish.</summary>
    Verified,
}

/// <summary>
/// One jurisdiction for one data date inside a batch: two blind passes by different people,
/// compared field by field, with mismatches reconciled by a lead.
/// </summary>
public sealed class Entry
{
    private readonly List<Pass> _passes = [];
    private readonly List<ResolvedValue> _resolvedValues = [];
    private readonly List<ReturnedPass> _returnedPasses = [];

    private Entry()
    {
    }

    internal Entry(Guid batchId, string jurisdictionCode, DateOnly dataDate)
    {
        BatchId = batchId;
        JurisdictionCode = jurisdictionCode;
        DataDate = dataDate;
        Status = EntryStatus.AwaitingPasses;
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid BatchId { get; private set; }
    public string JurisdictionCode { get; private set; } = "";
    public DateOnly DataDate { get; private set; }
    public string? FirstPassUserId { get; private set; }
    public string? SecondPassUserId { get; private set; }
    public EntryStatus Status { get; private set; }
    public IReadOnlyList<Pass> Passes => _passes;
    public IReadOnlyList<ResolvedValue> ResolvedValues => _resolvedValues;

    /// <summary>Passes a lead sent back, oldest first, with their values and the lead's comment.</summary>
    public IReadOnlyList<ReturnedPass> ReturnedPasses => _returnedPasses;

    /// <summary>The lead who approved the verified entry for publishing; null until then.</summary>
    public string? ApprovedByUserId { get; private set; }

    public DateTime? ApprovedAtUtc { get; private set; }

    /// <summary>True when a pass raised warnings (their reasons need a lead's eye before approval).</summary>
    public bool HasWarnings => _passes.Any(p => p.Warnings.Count > 0);

    /// <summary>An entry's state in the words of the shift page: "Waiting for passes", "Mismatch", "Verified".</summary>
    public static string Describe(EntryStatus status) => status switch
    {
        EntryStatus.Mismatch => "Mismatch",
        EntryStatus.Verified => "Verified",
        _ => "Waiting for passes",
    };

    public Pass? FirstPass => _passes.SingleOrDefault(p => p.Number == 1);
    public Pass? SecondPass => _passes.SingleOrDefault(p => p.Number == 2);

    public string? HolderOf(int passNumber) => passNumber switch
    {
        1 => FirstPassUserId,
        2 => SecondPassUserId,
        _ => throw new DomainException("An entry has pass 1 and pass 2 only."),
    };

    /// <summary>
    /// Why <paramref name="userId"/> may not enter pass <paramref name="passNumber"/> here, in words
    /// that say what to do instead; null when the pass is theirs. <paramref name="nameOf"/> gives a
    /// person's display name.
    /// </summary>
    public string? WhyNotYours(int passNumber, string userId, Func<string, string> nameOf)
    {
        if (HolderOf(passNumber) == userId)
        {
            return null;
        }

        var other = Other(passNumber);
        if (_passes.Any(p => p.Number == other && p.UserId == userId))
        {
            return $"You entered pass {other} of {JurisdictionCode}, so pass {passNumber} must be someone else's.";
        }

        if (HolderOf(other) == userId)
        {
            return $"You hold pass {other} of {JurisdictionCode}, so pass {passNumber} must be someone else's.";
        }

        if (_passes.SingleOrDefault(p => p.Number == passNumber) is { } done)
        {
            return $"{nameOf(done.UserId)} already entered pass {passNumber} of {JurisdictionCode}: there is nothing left to enter here.";
        }

        if (HolderOf(passNumber) is { } holder)
        {
            return $"{nameOf(holder)} holds pass {passNumber} of {JurisdictionCode} now. Pick another pass on My work, or ask your shift lead to hand this one to you.";
        }

        return $"Pass {passNumber} of {JurisdictionCode} is open and not yours yet: claim it on My work to enter it.";
    }

    public bool HasSubmitted(int passNumber) => _passes.Any(p => p.Number == passNumber);

    public bool DidAnyPass(string userId) =>
        FirstPassUserId == userId || SecondPassUserId == userId || _passes.Any(p => p.UserId == userId) || _returnedPasses.Any(p => p.UserId == userId);

    /// <summary>A lead approves a verified entry for publishing; the person who entered a pass cannot.</summary>
    public void Approve(string leadUserId, DateTime nowUtc)
    {
        if (Status != EntryStatus.Verified)
        {
            throw new DomainException($"{JurisdictionCode} is not verified yet, so it cannot be approved.");
        }

        if (DidAnyPass(leadUserId))
        {
            throw new DomainException($"You entered a pass of {JurisdictionCode}, so another lead must approve it.");
        }

        ApprovedByUserId ??= leadUserId;
        ApprovedAtUtc ??= nowUtc;
    }

    /// <summary>
    /// A lead sends a submitted pass back to its author with a comment: its values are kept as a
    /// returned pass, the comparison and any reconciliation start over once it is in again.
    /// </summary>
    public void SendBack(int passNumber, string comment, string leadUserId, DateTime nowUtc)
    {
        if (DidAnyPass(leadUserId))
        {
            throw new DomainException($"You entered a pass of {JurisdictionCode}, so another lead must review it.");
        }

        var pass = _passes.SingleOrDefault(p => p.Number == passNumber)
            ?? throw new DomainException($"Pass {passNumber} of {JurisdictionCode} is not submitted; there is nothing to send back.");
        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new DomainException("Say what to check again: the volunteer sees your comment on the pass.");
        }

        if (comment.Length > ReturnedPass.CommentMaxLength)
        {
            throw new DomainException($"A comment can be at most {ReturnedPass.CommentMaxLength:#,0} characters.");
        }

        _passes.Remove(pass);
        _returnedPasses.Add(new ReturnedPass(pass, comment.Trim(), leadUserId, nowUtc));
        _resolvedValues.Clear();
        Status = EntryStatus.AwaitingPasses;
        ApprovedByUserId = null;
        ApprovedAtUtc = null;
    }

    /// <summary>Which pass this user holds here, if any.</summary>
    public int? PassHeldBy(string userId) =>
        FirstPassUserId == userId ? 1 : SecondPassUserId == userId ? 2 : null;

    /// <summary>When the holder of a pass took it (by claim or assignment); null when nobody holds it.</summary>
    public DateTime? ClaimedAtUtc(int passNumber) => passNumber switch
    {
        1 => FirstPassClaimedAtUtc,
        2 => SecondPassClaimedAtUtc,
        _ => throw new DomainException("An entry has pass 1 and pass 2 only."),
    };

    public DateTime? FirstPassClaimedAtUtc { get; private set; }
    public DateTime? SecondPassClaimedAtUtc { get; private set; }

    /// <summary>A lead assigns (or clears, with null) who does a pass; this also takes a pass over from its holder.</summary>
    public void Assign(int passNumber, string? userId, DateTime? nowUtc = null)
    {
        if (HasSubmitted(passNumber))
        {
            throw new DomainException($"Pass {passNumber} of {JurisdictionCode} is already submitted; it can no longer be reassigned.");
        }

        if (userId is not null && HolderOf(Other(passNumber)) == userId)
        {
            throw new DomainException($"The same person cannot do both passes of {JurisdictionCode}: pick someone else for pass {passNumber}.");
        }

        SetHolder(passNumber, userId, userId is null ? null : nowUtc ?? DateTime.UtcNow);
    }

    /// <summary>
    /// A volunteer takes a pass for themselves. A pass someone else holds is theirs alone, unless
    /// its claim went idle (<paramref name="expiry"/>): then it is free to take.
    /// </summary>
    public void Claim(int passNumber, string userId, DateTime? nowUtc = null, ClaimExpiry? expiry = null)
    {
        var now = nowUtc ?? DateTime.UtcNow;
        var holder = HolderOf(passNumber);
        if (holder == userId)
        {
            return;
        }

        if (holder is not null && !(expiry is not null && !HasSubmitted(passNumber) && expiry.IsIdle(ClaimedAtUtc(passNumber), now)))
        {
            throw new DomainException($"Pass {passNumber} of {JurisdictionCode} is already taken by someone else.");
        }

        Assign(passNumber, userId, now);
    }

    /// <summary>The holder gives a pass back to the queue (their draft stays theirs).</summary>
    public void Release(int passNumber, string userId)
    {
        if (HolderOf(passNumber) != userId)
        {
            throw new DomainException($"You do not hold pass {passNumber} of {JurisdictionCode}, so there is nothing to release.");
        }

        if (HasSubmitted(passNumber))
        {
            throw new DomainException($"Pass {passNumber} of {JurisdictionCode} is submitted; it cannot be released.");
        }

        SetHolder(passNumber, null, null);
    }

    public void SubmitPass(int passNumber, string userId, IReadOnlyDictionary<string, long?> values,
        DateTime? sourceUpdatedAtUtc, string? publicNote, string? privateNote, DateTime nowUtc) =>
        SubmitPass(passNumber, userId, values, sourceUpdatedAtUtc, publicNote, privateNote, [], new Dictionary<string, WarningAnswer>(), nowUtc);

    /// <summary>
    /// Submits a pass whose values raised <paramref name="warnings"/>: each needs an answer (a
    /// reason code, and a note when the reason is "other"), kept with the pass.
    /// </summary>
    public void SubmitPass(int passNumber, string userId, IReadOnlyDictionary<string, long?> values,
        DateTime? sourceUpdatedAtUtc, string? publicNote, string? privateNote,
        IReadOnlyList<QcWarning> warnings, IReadOnlyDictionary<string, WarningAnswer> answers, DateTime nowUtc,
        IReadOnlyDictionary<string, ValueEvidence>? evidence = null)
    {
        if (HolderOf(passNumber) != userId)
        {
            throw new DomainException($"Pass {passNumber} of {JurisdictionCode} is not assigned to you.");
        }

        if (HolderOf(Other(passNumber)) == userId)
        {
            throw new DomainException($"You already hold the other pass of {JurisdictionCode}; a second pass must come from someone else.");
        }

        if (HasSubmitted(passNumber))
        {
            throw new DomainException($"Pass {passNumber} of {JurisdictionCode} was already submitted.");
        }

        if (publicNote?.Length > Pass.NoteMaxLength || privateNote?.Length > Pass.NoteMaxLength)
        {
            throw new DomainException($"Notes can be at most {Pass.NoteMaxLength:#,0} characters.");
        }

        if (sourceUpdatedAtUtc is { Kind: not DateTimeKind.Utc })
        {
            throw new DomainException("The source's last-updated time must be given in UTC.");
        }

        evidence ??= new Dictionary<string, ValueEvidence>();
        if (evidence.Values.Any(e => e.Region is { IsValid: false }))
        {
            throw new DomainException("A marked region must lie inside its screenshot.");
        }

        var answered = warnings.Select(w => new PassWarning(w, AnswerTo(w, answers))).ToList();
        var cited = evidence.Where(e => values.ContainsKey(e.Key)).ToDictionary(e => e.Key, e => e.Value);
        _passes.Add(new Pass(passNumber, userId, values, sourceUpdatedAtUtc, Blank(publicNote), Blank(privateNote), answered, cited, nowUtc));

        if (FirstPass is { } first && SecondPass is { } second)
        {
            CompareBlindPasses(first, second, nowUtc);
        }
    }

    /// <summary>Fields on which the two passes disagree (empty until both are in).</summary>
    public IReadOnlyList<FieldMismatch> Mismatches() =>
        FirstPass is { } first && SecondPass is { } second
            ? DoubleEntryComparison.Compare(first.ValuesByMetric(), second.ValuesByMetric())
            : [];

    /// <summary>Mismatched fields that no lead has decided yet.</summary>
    public IReadOnlyList<FieldMismatch> UnresolvedMismatches() =>
        Mismatches().Where(m => _resolvedValues.All(r => r.MetricKey != m.MetricKey)).ToList();

    public void Reconcile(string metricKey, ResolutionSource choice, long? typedValue, string reason, string leadUserId, DateTime nowUtc)
    {
        if (Status != EntryStatus.Mismatch)
        {
            throw new DomainException($"{JurisdictionCode} has no mismatch to reconcile.");
        }

        if (DidAnyPass(leadUserId))
        {
            throw new DomainException($"You entered a pass of {JurisdictionCode}, so another lead must reconcile it.");
        }

        var mismatch = UnresolvedMismatches().SingleOrDefault(m => m.MetricKey == metricKey)
            ?? throw new DomainException($"{metricKey} is not an open mismatch of {JurisdictionCode}.");

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainException("Give a reason for the value you chose.");
        }

        if (reason.Length > ResolvedValue.ReasonMaxLength)
        {
            throw new DomainException($"A reason can be at most {ResolvedValue.ReasonMaxLength:#,0} characters.");
        }

        if (typedValue < 0)
        {
            throw new DomainException("Counts cannot be negative.");
        }

        var value = choice switch
        {
            ResolutionSource.FirstPass => mismatch.FirstPassValue,
            ResolutionSource.SecondPass => mismatch.SecondPassValue,
            ResolutionSource.Typed => typedValue,
            _ => throw new DomainException("Pick pass 1, pass 2 or type a value."),
        };

        _resolvedValues.Add(new ResolvedValue(metricKey, value, choice, reason.Trim(), leadUserId, nowUtc));
        if (UnresolvedMismatches().Count == 0)
        {
            Status = EntryStatus.Verified;
        }
    }

    /// <summary>The values this entry publishes; only meaningful once verified.</summary>
    public IReadOnlyDictionary<string, long?> PublishableValues()
    {
        if (Status != EntryStatus.Verified)
        {
            throw new DomainException($"{JurisdictionCode} is not verified yet.");
        }

        return _resolvedValues.ToDictionary(r => r.MetricKey, r => r.Value);
    }

    /// <summary>
    /// The screenshot the published value of <paramref name="metricKey"/> was read from: the pass
    /// whose value was chosen (pass 1 first when both agreed); none when the lead typed a value.
    /// </summary>
    public Guid? ScreenshotFor(string metricKey)
    {
        var resolved = _resolvedValues.SingleOrDefault(r => r.MetricKey == metricKey);
        var first = FirstPass?.EvidenceByMetric().GetValueOrDefault(metricKey)?.ScreenshotId;
        var second = SecondPass?.EvidenceByMetric().GetValueOrDefault(metricKey)?.ScreenshotId;
        return resolved?.Source switch
        {
            ResolutionSource.Matched => first ?? second,
            ResolutionSource.FirstPass => first,
            ResolutionSource.SecondPass => second,
            _ => null,
        };
    }

    private void CompareBlindPasses(Pass first, Pass second, DateTime nowUtc)
    {
        var firstValues = first.ValuesByMetric();
        var secondValues = second.ValuesByMetric();
        var mismatched = DoubleEntryComparison.Compare(firstValues, secondValues).Select(m => m.MetricKey).ToHashSet();
        foreach (var key in firstValues.Keys.Union(secondValues.Keys).Where(k => !mismatched.Contains(k)))
        {
            _resolvedValues.Add(new ResolvedValue(key, firstValues.GetValueOrDefault(key), ResolutionSource.Matched, null, null, nowUtc));
        }

        Status = mismatched.Count == 0 ? EntryStatus.Verified : EntryStatus.Mismatch;
    }

    private static WarningAnswer AnswerTo(QcWarning warning, IReadOnlyDictionary<string, WarningAnswer> answers)
    {
        if (!answers.TryGetValue(warning.Key, out var answer))
        {
            throw new DomainException($"Give a reason for each warning before submitting: {warning.Message}");
        }

        if (answer.Reason == WarningReason.Other && string.IsNullOrWhiteSpace(answer.Note))
        {
            throw new DomainException($"You chose \"other\" for a warning: say what in its note. ({warning.Message})");
        }

        if (answer.Note?.Length > WarningAnswer.NoteMaxLength)
        {
            throw new DomainException($"A warning's note can be at most {WarningAnswer.NoteMaxLength:#,0} characters.");
        }

        return answer;
    }

    private void SetHolder(int passNumber, string? userId, DateTime? claimedAtUtc)
    {
        if (passNumber == 1)
        {
            FirstPassUserId = userId;
            FirstPassClaimedAtUtc = claimedAtUtc;
        }
        else
        {
            SecondPassUserId = userId;
            SecondPassClaimedAtUtc = claimedAtUtc;
        }
    }

    private static int Other(int passNumber) => passNumber switch
    {
        1 => 2,
        2 => 1,
        _ => throw new DomainException("An entry has pass 1 and pass 2 only."),
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
