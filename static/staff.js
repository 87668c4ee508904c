/* Staff console. No inline script anywhere (CSP); the chat itself is static/chat.js.
   On the login page (also right after logging out) the chat histories of console
   conversations are removed from this tab's sessionStorage: a shared counselling PC
   keeps nothing of the person's words once the counsellor has left. */
(function () {
  "use strict";
  if (!document.querySelector("[data-clear-chat-history]")) { return; }
  try {
    for (var i = window.sessionStorage.length - 1; i >= 0; i--) {
      var name = window.sessionStorage.key(i);
      if (name && name.indexOf("lwiw-chat:staff-") === 0) {
        window.sessionStorage.removeItem(name);
      }
    }
  } catch (error) {
    /* storage disabled: nothing to clean up */
  }
})();
