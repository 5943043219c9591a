// Keeps what a person types into a pass in this browser until the server confirms it saved it,
// so that nothing typed is lost to an outage of any length or a reload: the circuit sends keys
// into the void while a dead connection is not yet noticed, and a circuit that is gone for good
// takes what it never received with it. Each tab keeps its own copy, under the person, the entry
// and the pass (another person signed in on this browser never sees it); the copy holds the draft
// revision it was typed over, so a save made elsewhere meanwhile is noticed and the person asked.
// It also holds what the form showed at each change since the server last confirmed a save: a
// save whose confirmation was lost on the way (the line went down just after the server saved)
// holds one of those, so it is recognised as this tab's own and the typing simply goes on.

const fieldSelector = "input[data-metric], input[data-field], textarea[data-field]";

// Quiet time after the last key before an unconfirmed change counts as "not saved": the autosave
// waits 300 ms after the last key and a save takes well under a second.
const overdueMs = 3000;

// How many unconfirmed states of the form a copy remembers; older ones are forgotten, which at worst
// asks the person to choose where nothing was saved elsewhere.
const typedStatesKept = 50;

const offlineText = "Offline — your typing is kept in this browser and will be saved when the connection returns.";
const overdueText = "Not saved yet: the server has not answered for a few seconds. Your typing is kept in this browser and will be saved when the connection returns.";
const savingText = "Saving your draft…";

function tabId() {
    let id = sessionStorage.getItem("covidentry.tab");
    if (!id) {
        id = Date.now().toString(36) + Math.random().toString(36).slice(2);
        sessionStorage.setItem("covidentry.tab", id);
    }

    return id;
}

function read(form) {
    const content = {};
    for (const field of form.querySelectorAll(fieldSelector)) {
        const key = field.dataset.metric ?? field.dataset.field;
        if (field.value !== "") {
            content[key] = field.value;
        }
    }

    return content;
}

function same(a, b) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(k => a[k] === b[k]);
}

function load(key) {
    try {
        return JSON.parse(localStorage.getItem(key) ?? "null");
    } catch {
        return null;
    }
}

/**
 * Starts keeping the typing of one pass form.
 * options: { key: person/entry/pass, revision: the draft's revision as loaded, saved: its content as field → text }
 * dotnet: asked to offer a choice when the kept typing and a save made elsewhere differ (KeptTypingFound).
 */
export function keep(form, dotnet, options) {
    const prefix = `covidentry.typing.${options.key}.`;
    const ownKey = prefix + tabId();
    const status = document.getElementById("draft-status");
    const reconnect = document.getElementById("components-reconnect-modal");
    let confirmed = options.saved ?? {};
    let revision = options.revision;
    // What the form showed at each change since the server last confirmed a save, newest last.
    let typed = [];
    let lastKey = 0;
    let circuitDown = false;
    let choosing = false;

    const unsaved = () => !same(read(form), confirmed);

    function show() {
        if (!status) {
            return;
        }

        const offline = !navigator.onLine || circuitDown;
        const pending = unsaved();
        const state = offline ? "offline"
            : !pending ? ""
            : Date.now() - lastKey >= overdueMs ? "overdue"
            : "saving";
        const text = { offline: offlineText, overdue: overdueText, saving: savingText }[state] ?? "";
        if (status.dataset.kept !== state) {
            if (state) {
                status.dataset.kept = state;
            } else {
                delete status.dataset.kept;
            }
        }

        const line = status.querySelector("[data-kept-line]");
        if (line && line.textContent !== text) {
            line.textContent = text;
        }
    }

    // The copy is written on every change and removed once the server has what the form shows.
    function store() {
        if (choosing) {
            return;
        }

        const content = read(form);
        if (same(content, confirmed)) {
            localStorage.removeItem(ownKey);
        } else {
            if (!typed.some(t => same(t, content))) {
                typed = [...typed, content].slice(-typedStatesKept);
            }

            localStorage.setItem(ownKey, JSON.stringify({ revision, content, typed, at: Date.now() }));
        }
    }

    // Sends what the server lacks as the person's own input events: the circuit applies them as if typed.
    function replay(content) {
        for (const field of form.querySelectorAll(fieldSelector)) {
            const key = field.dataset.metric ?? field.dataset.field;
            const text = content[key] ?? "";
            if (text !== (confirmed[key] ?? "") || field.value !== text) {
                field.value = text;
                field.dispatchEvent(new Event("input", { bubbles: true }));
            }
        }
    }

    const onInput = event => {
        if (!event.target.matches?.(fieldSelector)) {
            return;
        }

        lastKey = Date.now();
        store();
        show();
    };

    const onBack = () => {
        show();
        if (!navigator.onLine || circuitDown || choosing || !unsaved()) {
            return;
        }

        // Back online: whatever the server may have missed goes again (input it already has changes nothing).
        replay(read(form));
    };

    const onReconnect = event => {
        const state = event.detail?.state;
        circuitDown = state !== "hide";
        onBack();
    };

    form.addEventListener("input", onInput, true);
    addEventListener("online", onBack);
    addEventListener("offline", show);
    reconnect?.addEventListener("components-reconnect-state-changed", onReconnect);
    const ticking = setInterval(show, 1000);
    form.dataset.keepsTyping = "ready";

    // What an earlier page of this pass kept and the server never confirmed.
    const kept = [];
    for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (key?.startsWith(prefix)) {
            const record = load(key);
            if (!record || same(record.content ?? {}, confirmed)) {
                localStorage.removeItem(key);
                i--;
            } else {
                kept.push({ key, ...record });
            }
        }
    }

    if (kept.length > 0) {
        const newest = kept.reduce((a, b) => (b.at > a.at ? b : a));
        typed = Array.isArray(newest.typed) ? newest.typed : [];
        localStorage.removeItem(newest.key);
        localStorage.setItem(ownKey, JSON.stringify({ revision: newest.revision, content: newest.content, typed, at: newest.at }));
        if (newest.revision === revision || typed.some(t => same(t, confirmed))) {
            // Nothing was saved since it was typed, or what was saved is something typed there
            // (its confirmation never arrived): it simply goes on.
            replay(newest.content);
            lastKey = Date.now();
        } else {
            // Saved elsewhere meanwhile: the person chooses; until then the copy stays as it is.
            choosing = true;
            dotnet.invokeMethodAsync("KeptTypingFoundAsync", newest.content, new Date(newest.at).toISOString());
        }
    }

    show();

    return {
        /** The server saved this content at this revision. */
        confirmed(savedRevision, content) {
            revision = savedRevision;
            confirmed = content ?? {};
            typed = [];
            store();
            show();
        },

        /** The person chose: keep the copy (it is in the form now, and saving) or drop it for the saved version. */
        chosen(keepCopy) {
            choosing = false;
            if (!keepCopy) {
                localStorage.removeItem(ownKey);
            }

            // Kept: the copy stays until the server confirms the save the choice starts.
            show();
        },

        detach() {
            clearInterval(ticking);
            form.removeEventListener("input", onInput, true);
            removeEventListener("online", onBack);
            removeEventListener("offline", show);
            reconnect?.removeEventListener("components-reconnect-state-changed", onReconnect);
            delete form.dataset.keepsTyping;
        },
    };
}
