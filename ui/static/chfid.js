// Insurance number fields. Every input[data-chfid] states the scheme's rule ("length modulo") in
// its hint; this checks the typing against the same rule, with the server's own messages
// (data-chfid-text), and flags a number that cannot be right before it is sent. It never stops a
// form: the server's check is the one that counts. In a search box (data-chfid-search), where a
// name or part of a number is a fair question, only what can be nothing but a whole number is
// checked.
(() => {
  "use strict";

  const digits = /^[0-9]+$/;

  function luhn(number) {
    let sum = 0;
    for (let i = 0; i < number.length; i++) {
      let d = Number(number[number.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  // finding is the server's check of a whole number (imis.InsuranceNumberRule.Check): "length",
  // "digits", "checksum", or "" when the number passes.
  function finding(number, length, modulo) {
    if (length > 0 && number.length !== length) {
      return "length";
    }
    if (modulo <= 0) {
      return "";
    }
    if (!digits.test(number) || number.length < 2) {
      return "digits";
    }
    if (modulo === 10) {
      return luhn(number) ? "" : "checksum";
    }
    const body = BigInt(number.slice(0, -1));
    return body !== 0n && body % BigInt(modulo) === BigInt(number.slice(-1)) ? "" : "checksum";
  }

  // problem is what to flag in box now; done says the person has left the field, so a number
  // shorter than the rule's length is no longer one still being typed.
  function problem(box, done) {
    const [length, modulo] = box.dataset.chfid.split(" ").map(Number);
    const number = box.value.trim();
    if (number === "") {
      return "";
    }
    if (box.hasAttribute("data-chfid-search")) {
      const whole = digits.test(number) && (length > 0 ? number.length >= length : done);
      return whole && modulo > 0 ? finding(number, length, modulo) : "";
    }
    if (modulo > 0 && !digits.test(number)) {
      return "digits";
    }
    if (length > 0 && number.length > length) {
      return "length";
    }
    if (!done && (length === 0 || number.length < length)) {
      return "";
    }
    return finding(number, length, modulo);
  }

  function describedBy(box, id, on) {
    const ids = (box.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== id);
    if (on) {
      ids.push(id);
    }
    if (ids.length > 0) {
      box.setAttribute("aria-describedby", ids.join(" "));
    } else {
      box.removeAttribute("aria-describedby");
    }
  }

  // check shows or clears the field's note. The note is a live region made empty the first time,
  // so that a screen reader announces what is written into it later.
  function check(box, done) {
    const id = box.id + "-rule";
    let note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "error";
      note.setAttribute("aria-live", "polite");
      note.hidden = true;
      (box.closest(".field") || box.parentElement).append(note);
    }
    const key = problem(box, done);
    const texts = JSON.parse(box.dataset.chfidText || "{}");
    note.textContent = key ? texts[key] || key : "";
    note.hidden = !key;
    describedBy(box, id, Boolean(key));
    // A field the server already marked invalid keeps its mark until the server sees it again.
    if (key && !box.hasAttribute("aria-invalid")) {
      box.setAttribute("aria-invalid", "true");
      box.dataset.chfidFlagged = "1";
    } else if (!key && box.dataset.chfidFlagged) {
      box.removeAttribute("aria-invalid");
      delete box.dataset.chfidFlagged;
    }
  }

  for (const [type, done] of [["input", false], ["change", true]]) {
    document.addEventListener(type, (event) => {
      const box = event.target;
      if (box instanceof HTMLInputElement && box.dataset.chfid) {
        check(box, done);
      }
    });
  }
})();
