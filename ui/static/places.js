// Place pickers. Every place field (input[data-place]) arrives as a text box that takes a
// location's code, which works without script. This turns it into a type-ahead over the user's
// part of the location tree: typing asks /api/places for the places whose name or code begins
// with the text, and the arrow down key (or a click) lists the tree level by level, from the
// user's districts. The chosen place's id goes into a hidden input of the field's name, so the
// form posts the same field as before and the server's checks stay the only ones that count.
(() => {
  "use strict";

  const fill = (template, value) => String(template || "").replace("{}", value);

  function enhance(box) {
    if (box.dataset.placeReady) {
      return;
    }
    box.dataset.placeReady = "1";
    const texts = JSON.parse(box.dataset.placeText || "{}");
    const levels = box.dataset.place || "";
    const filter = box.closest("form[role=search]");

    const wrap = document.createElement("div");
    wrap.className = "place-picker";
    box.before(wrap);
    const value = document.createElement("input");
    value.type = "hidden";
    value.name = box.name;
    value.value = box.dataset.placeId || box.value;
    box.removeAttribute("name");
    const list = document.createElement("ul");
    list.id = box.id + "-places";
    list.className = "place-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    const label = document.querySelector(`label[for="${CSS.escape(box.id)}"]`);
    if (label) {
      label.id = label.id || box.id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    const status = document.createElement("span");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    wrap.append(box, value, list, status);

    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", list.id);
    if (box.dataset.placePath) {
      box.value = box.dataset.placePath;
    }
    const hint = document.getElementById(box.id + "-hint");
    if (hint && texts.hint) {
      hint.textContent = texts.hint;
    }

    let shown = box.value; // what the box shows for the field's current value
    let kept = value.value;
    let options = []; // {el, run}: run is what choosing the option does, null when it does nothing
    let active = -1;
    let under = ""; // the place whose level the list shows, "" for the first level
    let timer = 0;
    let pending = null;
    // Enter took an option. Some input methods send the key's character apart from the key itself,
    // and that character must not submit the form either.
    let enterTaken = false;

    const isOpen = () => !list.hidden;
    function open() {
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }
    // cancel forgets the answer awaited, which would otherwise open the list again.
    function cancel() {
      clearTimeout(timer);
      if (pending) {
        pending.abort();
      }
    }
    function close() {
      cancel();
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function setActive(i) {
      options.forEach((o, k) => o.el.setAttribute("aria-selected", String(k === i)));
      active = i;
      if (i < 0) {
        box.removeAttribute("aria-activedescendant");
        return;
      }
      box.setAttribute("aria-activedescendant", options[i].el.id);
      options[i].el.scrollIntoView({block: "nearest"});
    }
    // move goes to the next choosable option in direction step, staying put at either end.
    function move(step) {
      for (let i = active + step; i >= 0 && i < options.length; i += step) {
        if (options[i].run) {
          setActive(i);
          return;
        }
      }
    }

    function add(text, detail, run) {
      const li = document.createElement("li");
      li.id = `${list.id}-${options.length}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const main = document.createElement("span");
      main.textContent = text;
      li.append(main);
      if (detail) {
        const small = document.createElement("small");
        small.textContent = detail;
        li.append(small);
      }
      if (run) {
        const k = options.length;
        li.addEventListener("mousedown", (e) => e.preventDefault()); // keep the focus in the box
        li.addEventListener("click", () => choose(k));
      } else {
        li.setAttribute("aria-disabled", "true");
      }
      list.append(li);
      options.push({el: li, run});
    }

    // show lists an answer; in a search the first place is made active, so Enter takes it.
    function show(answer, searching) {
      list.replaceChildren();
      options = [];
      setActive(-1);
      const back = answer.under;
      if (back) {
        const path = back.path.split(" › ");
        const to = back.back ? fill(texts.back, path[path.length - 2] || "") : texts.top;
        add(to, "", () => browse(back.back));
      }
      let found = 0;
      for (const p of answer.places || []) {
        const above = p.path.split(" › ").slice(0, -1).join(" › ");
        if (p.pick) {
          found++;
          add(p.name, above ? `${above} · ${p.code}` : p.code, () => pick(p));
        }
        if (p.open) {
          found++;
          add(fill(texts.open, p.name), above, () => browse(p.id));
        }
      }
      if (found === 0) {
        add(texts.none, "", null);
      }
      status.textContent = found === 0 ? texts.none : fill(texts.count, found);
      open();
      if (searching) {
        move(1);
      }
    }

    function failed() {
      list.replaceChildren();
      options = [];
      setActive(-1);
      add(texts.failed, "", null);
      status.textContent = texts.failed;
      open();
    }

    function load(params, searching) {
      cancel();
      pending = new AbortController();
      params.set("type", levels);
      fetch("/api/places?" + params, {signal: pending.signal, credentials: "same-origin", headers: {Accept: "application/json"}})
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
        .then((answer) => show(answer, searching))
        .catch((err) => {
          if (err.name !== "AbortError") {
            failed();
          }
        });
    }
    function browse(place) {
      under = place || "";
      const params = new URLSearchParams();
      if (under) {
        params.set("under", under);
      }
      load(params, false);
    }
    function search(text) {
      load(new URLSearchParams({q: text}), true);
    }
    // refresh lists what the box asks for: the places the typed text begins, or the tree.
    function refresh() {
      const text = box.value.trim();
      if (text && box.value !== shown) {
        search(text);
      } else {
        browse(under);
      }
    }

    function pick(p) {
      box.value = p.path;
      value.value = p.id;
      shown = box.value;
      kept = value.value;
      close();
      status.textContent = p.path;
      if (filter) {
        filter.requestSubmit();
      }
    }
    function choose(k) {
      const o = options[k];
      if (o && o.run) {
        o.run();
      }
    }

    box.addEventListener("input", (e) => {
      // The box is no field of its own: a search form must not search on each letter typed here.
      e.stopImmediatePropagation();
      const text = box.value.trim();
      // Typed and not picked, the text goes as it is: the server takes a code, or says it knows none.
      value.value = box.value === shown ? kept : text;
      cancel();
      if (filter && text === "" && kept !== "") {
        // In a search, emptying the box drops the place from the search at once.
        shown = kept = "";
        close();
        filter.requestSubmit();
        return;
      }
      timer = setTimeout(() => (text ? search(text) : browse(under)), 200);
    });
    box.addEventListener("keydown", (e) => {
      enterTaken = false;
      switch (e.key) {
        case "ArrowDown":
          e.preventDefault();
          if (isOpen()) {
            move(1);
          } else {
            refresh();
          }
          break;
        case "ArrowUp":
          if (isOpen()) {
            e.preventDefault();
            move(-1);
          }
          break;
        case "Enter":
          if (isOpen()) {
            e.preventDefault();
            enterTaken = true;
            if (active >= 0) {
              choose(active);
            } else {
              close();
            }
          }
          break;
        case "Escape":
          if (isOpen()) {
            e.preventDefault();
            close();
          } else if (box.value !== shown) {
            e.preventDefault();
            cancel();
            box.value = shown;
            value.value = kept;
          }
          break;
        case "Tab":
          close();
          break;
      }
    });
    box.addEventListener("keypress", (e) => {
      if (e.key === "Enter" && enterTaken) {
        e.preventDefault();
      }
      enterTaken = false;
    });
    box.addEventListener("click", () => {
      if (!isOpen()) {
        refresh();
      }
    });
    wrap.addEventListener("focusout", (e) => {
      if (!wrap.contains(e.relatedTarget)) {
        close();
      }
    });
  }

  const enhanceAll = (root) => root.querySelectorAll("input[data-place]").forEach(enhance);
  enhanceAll(document);
  document.addEventListener("htmx:load", (e) => enhanceAll(e.detail.elt));
})();
