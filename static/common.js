/* Every page: forget the chat history of conversations this browser no longer has
   (after deleting everything or resuming another conversation with a code). */
(function () {
  "use strict";
  var current = "lwiw-chat:" + (document.body.getAttribute("data-history-key") || "");
  try {
    for (var i = window.sessionStorage.length - 1; i >= 0; i--) {
      var name = window.sessionStorage.key(i);
      if (name && name.indexOf("lwiw-chat:") === 0 && name !== current) {
        window.sessionStorage.removeItem(name);
      }
    }
  } catch (error) {
    /* storage disabled: nothing to clean up */
  }
})();
