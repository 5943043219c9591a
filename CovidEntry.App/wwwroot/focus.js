// Puts the cursor in a field for the person, unless they have already put it somewhere themselves.
// The server asks only after its render has reached the browser, which on a busy line can be a while
// after the person saw the page and started typing elsewhere: taking the cursor from them then would
// send their next keys into the wrong field.
export function focusIfNowhere(element) {
    const active = document.activeElement;
    if (element && element.isConnected && (active === null || active === document.body)) {
        element.focus();
    }
}
