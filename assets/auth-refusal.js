/* Atlas Kawasan: a refused callback (401/403) shown on the page. */
/* A callback the server refuses (401: signed out; 403: the role may not change data) answers a
   JSON message in both languages. Dash would only log it to the console: show it on the page in
   the page's language instead, and send a signed-out user to the sign-in page. */
(function () {
  const original = window.fetch.bind(window);
  function show(text) {
    let box = document.getElementById("auth-refusal");
    if (!box) {
      box = document.createElement("p");
      box.id = "auth-refusal";
      box.setAttribute("role", "alert");
      box.className = "auth-refusal error";
      document.body.prepend(box);
    }
    box.textContent = text;
  }
  window.fetch = async function (resource, options) {
    const response = await original(resource, options);
    const url = typeof resource === "string" ? resource : (resource && resource.url) || "";
    if ((response.status === 401 || response.status === 403) && url.indexOf("_dash-update-component") !== -1) {
      try {
        const body = await response.clone().json();
        const root = document.getElementById("app-root");
        const lang = (root && root.getAttribute("lang")) || "id";
        show((body.messages && body.messages[lang]) || body.error || String(response.status));
      } catch (ignored) {
        show(String(response.status));
      }
      if (response.status === 401) {
        setTimeout(() => { window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search)); }, 2500);
      }
    }
    return response;
  };
})();
