// The report editor's quick feedback: totals derived and the form's rules evaluated
// as one types (the same equations and type rules the server checks, from the spec
// the page embeds), spreadsheet keys, pasting a row copied from Excel/WPS, paragraphs
// added and removed, and autosave to this browser and to the server's draft. The page
// works without this script; the server's check stays the authoritative one.
"use strict";

(function () {
  // -- numbers, exactly as nianbao.spec.values.parse_cell_text reads them ------------

  // A number is {i: BigInt, s: scale, int: whole number typed}: exact decimals.
  function parse(text) {
    if (text === null || text === undefined) return null;
    const t = String(text).normalize("NFKC").replace(/\s+/gu, "").replace(/,/g, "");
    if (!t) return null;
    if (/^[+-]?\d+$/.test(t)) return { i: BigInt(t), s: 0, int: true };
    const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(t);
    if (m) {
      const frac = m[3] || "";
      return { i: BigInt(m[1] + m[2] + frac), s: frac.length, int: false };
    }
    return String(text).trim(); // text that is not a number: reported, never read as 0
  }

  function isNumber(v) {
    return v !== null && typeof v === "object";
  }

  function scaled(v, s) {
    return v.i * 10n ** BigInt(s - v.s);
  }

  function add(a, b) {
    const s = Math.max(a.s, b.s);
    return { i: scaled(a, s) + scaled(b, s), s: s, int: a.int && b.int };
  }

  function neg(a) {
    return { i: -a.i, s: a.s, int: a.int };
  }

  function equal(a, b) {
    const s = Math.max(a.s, b.s);
    return scaled(a, s) === scaled(b, s);
  }

  function compare(a, limit) { // a − limit's sign, limit a BigInt whole number
    const d = a.i - limit * 10n ** BigInt(a.s);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  function show(v) { // format_value: digits, decimals without trailing zeros
    if (v === null || v === undefined) return "";
    if (!isNumber(v)) return String(v);
    const negative = v.i < 0n;
    let digits = (negative ? -v.i : v.i).toString();
    if (v.s > 0) {
      digits = digits.padStart(v.s + 1, "0");
      let whole = digits.slice(0, digits.length - v.s);
      let frac = digits.slice(digits.length - v.s).replace(/0+$/, "");
      digits = frac ? whole + "." + frac : whole;
    }
    return (negative && digits !== "0" ? "-" : "") + digits;
  }

  function total(values) { // Σ of values that are all numbers, else null
    let sum = { i: 0n, s: 0, int: true };
    for (const v of values) {
      if (!isNumber(v)) return null;
      sum = add(sum, v);
    }
    return sum;
  }

  const MAX_COUNT = 10n ** 9n;
  const MAX_AMOUNT = 10n ** 15n;

  function typeProblem(type, v) { // nianbao.spec.values.type_problem
    if (v === null) return "空白（没有数字的格应填 0）";
    if (type === "count" || type === "signed") {
      if (!isNumber(v) || !v.int) return "应为整数，填写的是 “" + show(v) + "”";
      if (type === "count" && v.i < 0n) return "件数不能为负数（" + show(v) + "）";
      if ((v.i < 0n ? -v.i : v.i) > MAX_COUNT) return "数值过大（" + show(v) + "）";
      return null;
    }
    if (type === "amount") {
      if (!isNumber(v)) return "应为数字（可带小数），填写的是 “" + v + "”";
      if (v.i < 0n) return "金额不能为负数（" + show(v) + "）";
      if (compare(v, MAX_AMOUNT) > 0) return "数值过大（" + show(v) + "）";
      return null;
    }
    return null;
  }

  // -- the rules -----------------------------------------------------------------------

  // nianbao.spec.rules.derive: totals from their parts, repeated until nothing changes;
  // a total stays blank when one of its parts is not a whole number.
  function derive(equations, values) {
    const out = Object.assign({}, values);
    let pending = equations.filter((eq) => eq.derives);
    while (pending.length) {
      const waiting = [];
      for (const eq of pending) {
        const parts = eq.right.map((k) => out[k]);
        if (parts.every((v) => isNumber(v) && v.int && v.s === 0)) {
          out[eq.left[0]] = total(parts);
        } else {
          waiting.push(eq);
        }
      }
      if (waiting.length === pending.length) break;
      pending = waiting;
    }
    return out;
  }

  // Equation.violation: [blamed, expected, found] when every cell is a number and the
  // equation does not hold.
  function violation(eq, values) {
    const blamed = eq.balance ? eq.right[eq.right.length - 1] : eq.left[0];
    const others = total(eq.right.filter((k) => k !== blamed).map((k) => values[k]));
    let expected = others;
    if (eq.balance) {
      const left = total(eq.left.map((k) => values[k]));
      expected = left === null || others === null ? null : add(left, neg(others));
    }
    const found = values[blamed];
    if (expected === null || !isNumber(found) || equal(expected, found)) return null;
    return [blamed, expected, found];
  }

  // The pure function the tests call: spec (the page's editor-spec), values (cell id →
  // text as typed) → {totals: {cell id: number|null}, findings: [{rule, cells, message}]}.
  function evaluate(spec, values) {
    const parsed = {};
    for (const [cid, cell] of Object.entries(spec.cells)) {
      if (!cell.derived) parsed[cid] = parse(values[cid] === undefined ? "" : values[cid]);
    }
    const findings = [];
    const typeRule = {};
    for (const rule of spec.types) for (const t of rule.tables) typeRule[t] = rule;
    for (const [cid, cell] of Object.entries(spec.cells)) {
      const rule = typeRule[cell.table];
      if (cell.derived || !rule) continue;
      const problem = typeProblem(cell.type, parsed[cid]);
      if (problem) findings.push({ rule: rule.rule, cells: [cid], message: cell.label + "：" + problem });
    }
    const byTable = {};
    for (const eq of spec.equations) (byTable[eq.table] = byTable[eq.table] || []).push(eq);
    let all = Object.assign({}, parsed);
    for (const eqs of Object.values(byTable)) all = derive(eqs, all);
    for (const eq of spec.equations) {
      const wrong = violation(eq, all);
      if (wrong) {
        const [cid, expected, found] = wrong;
        findings.push({
          rule: eq.rule, cells: [cid],
          message: spec.cells[cid].label + "：应为 " + show(expected) + "，实为 " + show(found) +
            "（" + eq.message + "）",
        });
      }
    }
    const totals = {};
    for (const [cid, cell] of Object.entries(spec.cells)) {
      if (cell.derived) totals[cid] = isNumber(all[cid]) ? Number(all[cid].i) : null;
    }
    return { totals: totals, findings: findings };
  }

  window.nianbaoRules = { evaluate: evaluate, parse: parse };

  // -- the page --------------------------------------------------------------------------

  const specNode = document.getElementById("editor-spec");
  const form = document.getElementById("editor");
  if (!specNode || !form) return;
  const spec = JSON.parse(specNode.textContent);
  const page = JSON.parse(document.getElementById("editor-page").textContent);
  const marks = JSON.parse(document.getElementById("editor-marks").textContent);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const base = document.getElementById("base");
  const list = document.getElementById("findings-list");
  let serverFindings = null; // the last server check's, for what the browser cannot tell
  let dirty = false;

  function cellInputs() {
    return Array.from(form.querySelectorAll("input[data-cell]"));
  }

  function cellValues() {
    const values = {};
    for (const input of cellInputs()) values[input.dataset.cell] = input.value;
    return values;
  }

  function payload() {
    const fees = {};
    for (const input of form.querySelectorAll("input[name^='fee:']")) {
      fees[input.name.slice(4)] = input.value;
    }
    const text = {};
    for (const section of spec.sections) {
      const items = [];
      for (const li of paragraphsOf(section.id)) {
        const kind = li.querySelector("select.kind").value;
        if (kind === "own") items.push({ text: li.querySelector("textarea").value });
        else if (kind.startsWith("standard:")) items.push({ standard: kind.slice(9) });
      }
      text[section.id] = items;
    }
    return {
      form: spec.form, date: form.elements.date.value, title: form.elements.title.value,
      fees: fees, cells: cellValues(), text: text,
    };
  }

  // -- findings at their cells and in the list -----------------------------------------

  function mark(element, messages, error) {
    if (!element) return;
    const holder = element.closest("td, .field, li.paragraph");
    const id = "f-" + (element.dataset.cell || element.name || "").replace(/:(kind|text)$/, "");
    let note = document.getElementById(id);
    if (!note && messages.length) {
      note = document.createElement("span");
      note.className = "finding";
      note.id = id;
      holder.appendChild(note);
    }
    if (note) {
      note.textContent = messages.join("；");
      note.hidden = !messages.length;
    }
    if (messages.length) element.setAttribute("aria-describedby", id);
    else element.removeAttribute("aria-describedby");
    if (error && element.tagName !== "OUTPUT") element.setAttribute("aria-invalid", "true");
    else element.removeAttribute("aria-invalid");
    if (holder) holder.classList.toggle("invalid", messages.length > 0 && error);
    if (holder) holder.classList.toggle("warned", messages.length > 0 && !error);
  }

  function fieldElement(field) {
    if (!field) return null;
    return document.getElementById("in-" + field) ||
      document.getElementById("in-" + field + ":text") ||
      document.getElementById("in-" + field.replace(/^fees:/, "fee:"));
  }

  function redraw() {
    const result = evaluate(spec, cellValues());
    for (const [cid, value] of Object.entries(result.totals)) {
      const output = document.getElementById("in-" + cid);
      if (output) output.textContent = value === null ? "" : String(value);
    }
    const items = result.findings.map((f) => ({
      severity: "error", rule: f.rule, field: f.cells[0], text: f.message,
    }));
    if (serverFindings) { // the server's on what is not a cell (date, prose, fees)
      for (const f of [...serverFindings.errors, ...serverFindings.warnings]) {
        if (!spec.cells[f.field]) {
          items.push({ severity: f.severity, rule: f.rule, field: f.field,
            text: f.label ? f.label + "：" + f.message : f.message });
        }
      }
    }
    const at = {};
    for (const item of items) (at[item.field] = at[item.field] || []).push(item);
    const elements = [...cellInputs(), ...form.querySelectorAll("output[data-cell]"),
      ...form.querySelectorAll(".field input")];
    for (const element of elements) {
      const key = element.dataset.cell || element.name.replace(/^fee:/, "fees:");
      const here = at[key] || [];
      mark(element, here.map((i) => messageAt(i)), here.some((i) => i.severity === "error"));
    }
    drawList(items);
  }

  function messageAt(item) { // at the cell, the cell's own name is said by its label
    const cell = spec.cells[item.field];
    return cell && item.text.startsWith(cell.label + "：") ? item.text.slice(cell.label.length + 1) : item.text;
  }

  function drawList(items) {
    list.textContent = "";
    if (!items.length) {
      const p = document.createElement("p");
      p.className = "ok";
      p.textContent = "未发现问题。";
      list.appendChild(p);
      return;
    }
    const ul = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      li.className = item.severity === "error" ? "error" : "warning";
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = item.severity === "error" ? "错误" : "提示";
      li.appendChild(tag);
      li.appendChild(document.createTextNode(" "));
      const target = fieldElement(item.field);
      if (target && target.id) {
        const a = document.createElement("a");
        a.href = "#" + target.id;
        a.textContent = item.text;
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(item.text));
      }
      const rule = document.createElement("span");
      rule.className = "rule";
      rule.textContent = "（" + item.rule + "）";
      li.appendChild(document.createTextNode(" "));
      li.appendChild(rule);
      ul.appendChild(li);
    }
    list.appendChild(ul);
  }

  let checkTimer = null;
  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(serverCheck, 1500);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  }

  function serverCheck() {
    post(page.check, payload()).then((r) => (r.ok ? r.json() : null)).then((found) => {
      if (found) {
        serverFindings = found;
        redraw();
      }
    }).catch(() => {});
  }

  // -- spreadsheet keys and pasting --------------------------------------------------------

  function grid(table) {
    const cells = [];
    for (const td of table.querySelectorAll("td[data-top]")) {
      cells.push({ top: +td.dataset.top, left: +td.dataset.left,
        element: td.querySelector("input, output") });
    }
    return cells;
  }

  function position(input) {
    const td = input.closest("td");
    return { table: input.closest("table"), top: +td.dataset.top, left: +td.dataset.left };
  }

  function inputAt(table, top, left) {
    const found = grid(table).find((c) => c.top === top && c.left === left);
    return found ? found.element : null;
  }

  function vertical(input, step) {
    const at = position(input);
    const column = grid(at.table).filter((c) => c.left === at.left && c.element.tagName === "INPUT" &&
      (step > 0 ? c.top > at.top : c.top < at.top));
    column.sort((a, b) => (a.top - b.top) * step);
    return column.length ? column[0].element : null;
  }

  function across(input, step) {
    const inputs = cellInputs();
    return inputs[inputs.indexOf(input) + step] || null;
  }

  function move(target) {
    if (target) {
      target.focus();
      target.select();
    }
  }

  form.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.cell) return;
    const start = input.selectionStart === 0 && input.selectionEnd === 0;
    const end = input.selectionStart === input.value.length;
    let target;
    if (event.key === "Enter" || event.key === "ArrowDown") target = vertical(input, 1);
    else if (event.key === "ArrowUp") target = vertical(input, -1);
    else if (event.key === "ArrowLeft" && start) target = across(input, -1);
    else if (event.key === "ArrowRight" && end) target = across(input, 1);
    else return;
    event.preventDefault(); // Enter never submits the form from a cell
    move(target);
  });

  form.addEventListener("paste", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.cell) return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text)) return;
    event.preventDefault();
    const lines = text.replace(/\r/g, "").split("\n");
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    const at = position(input);
    const cells = grid(at.table);
    const tops = [...new Set(cells.map((c) => c.top))].filter((t) => t >= at.top).sort((a, b) => a - b);
    lines.forEach((line, r) => {
      if (r >= tops.length) return;
      line.split("\t").forEach((value, c) => {
        const target = inputAt(at.table, tops[r], at.left + c);
        if (target && target.tagName === "INPUT") target.value = value.trim();
      });
    });
    changed();
  });

  // -- paragraphs ------------------------------------------------------------------------

  const spares = {};

  function paragraphsOf(sectionId) {
    const section = form.querySelector("section[data-section='" + sectionId + "']");
    return Array.from(section.querySelectorAll("li.paragraph:not(.spare)"));
  }

  function renumber(sectionId) {
    const heading = spec.sections.find((s) => s.id === sectionId).heading;
    paragraphsOf(sectionId).forEach((li, i) => {
      const prefix = "text:" + sectionId + ":" + i;
      li.dataset.index = i;
      const select = li.querySelector("select");
      const area = li.querySelector("textarea");
      const note = li.querySelector(".finding");
      select.name = prefix + ":kind";
      select.id = "in-" + prefix + ":kind";
      area.name = prefix + ":text";
      area.id = "in-" + prefix + ":text";
      area.setAttribute("aria-label", heading + " 第" + (i + 1) + "段 文字");
      if (note) note.id = "f-" + prefix;
      if (area.hasAttribute("aria-describedby") && note) area.setAttribute("aria-describedby", note.id);
      const label = li.querySelector("label");
      label.htmlFor = select.id;
      label.textContent = "第" + (i + 1) + "段";
    });
  }

  function showKind(li) {
    const kind = li.querySelector("select.kind").value;
    const area = li.querySelector("textarea");
    const preview = li.querySelector(".preview");
    area.hidden = kind !== "own";
    preview.hidden = !kind.startsWith("standard:");
    if (kind.startsWith("standard:") && li.dataset.shown !== kind) {
      preview.textContent = "标准段落：" + spec.standard[kind.slice(9)] + "（保存后显示其全文，数字取自表格）";
    }
    showMarks(li);
  }

  function showMarks(li) {
    const area = li.querySelector("textarea");
    const box = li.querySelector(".marks");
    const found = area.hidden ? [] : marks.filter((m) => area.value.includes(m));
    box.textContent = "";
    for (const m of found) {
      box.appendChild(document.createTextNode("本段仍有"));
      const el = document.createElement("mark");
      el.textContent = m;
      box.appendChild(el);
      box.appendChild(document.createTextNode("，是草稿。"));
    }
    box.hidden = !found.length;
  }

  function prepare(li) {
    const select = li.querySelector("select.kind");
    if (select.value.startsWith("standard:")) li.dataset.shown = select.value;
    const remove = li.querySelector(".remove-paragraph");
    remove.hidden = false;
    remove.addEventListener("click", () => {
      const sectionId = li.closest("section").dataset.section;
      const next = li.nextElementSibling;
      li.remove();
      renumber(sectionId);
      changed();
      const focus = next && next.querySelector("select") ||
        li.closest && form.querySelector("section[data-section='" + sectionId + "'] .add-paragraph");
      if (focus) focus.focus();
    });
    select.addEventListener("change", () => showKind(li));
    li.querySelector("textarea").addEventListener("input", () => showMarks(li));
  }

  function addParagraph(sectionId, item) {
    const li = spares[sectionId].cloneNode(true);
    li.classList.remove("spare");
    const select = li.querySelector("select.kind");
    select.querySelector("option[value='']").textContent = "（删除此段）";
    const area = li.querySelector("textarea");
    if (item && item.standard) select.value = "standard:" + item.standard;
    else {
      select.value = "own";
      area.value = item && item.text ? item.text : "";
    }
    const section = form.querySelector("section[data-section='" + sectionId + "'] ol.paragraphs");
    section.appendChild(li);
    prepare(li);
    renumber(sectionId);
    showKind(li);
    return li;
  }

  for (const section of spec.sections) {
    const node = form.querySelector("section[data-section='" + section.id + "']");
    const spare = node.querySelector("li.spare");
    spares[section.id] = spare.cloneNode(true);
    spare.remove();
    for (const li of paragraphsOf(section.id)) prepare(li);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "add-paragraph";
    button.textContent = "添加段落（" + section.heading + "）";
    button.addEventListener("click", () => {
      const li = addParagraph(section.id, null);
      changed();
      li.querySelector("textarea").focus();
    });
    node.querySelector("ol.paragraphs").after(button);
  }

  // -- autosave and restoring a draft ------------------------------------------------------

  const storeKey = "nianbao:" + page.office + ":" + page.year + ":";

  function changed() {
    dirty = true;
    redraw();
    scheduleCheck();
  }

  function autosave() {
    if (!dirty) return;
    dirty = false;
    const baseNumber = parseInt(base.value, 10);
    const kept = { base: baseNumber, payload: payload(), saved: new Date().toISOString() };
    try {
      localStorage.setItem(storeKey + baseNumber, JSON.stringify(kept));
    } catch (e) { /* storage full or off: the server's draft still keeps it */ }
    const status = document.getElementById("autosave");
    post(page.draft, { base: baseNumber, payload: kept.payload }).then((r) => {
      if (status) status.textContent = r.ok ? "草稿已自动保存（尚未保存为新版本）" : "草稿未能自动保存";
    }).catch(() => {
      if (status) status.textContent = "草稿暂存在本浏览器（服务器暂时无法连接）";
    });
  }

  function fill(data) {
    for (const input of cellInputs()) {
      if (data.cells[input.dataset.cell] !== undefined) input.value = data.cells[input.dataset.cell];
    }
    form.elements.date.value = data.date || "";
    form.elements.title.value = data.title || "";
    for (const [key, value] of Object.entries(data.fees || {})) {
      const input = form.elements["fee:" + key];
      if (input) input.value = value;
    }
    for (const section of spec.sections) {
      for (const li of paragraphsOf(section.id)) li.remove();
      for (const item of (data.text || {})[section.id] || []) addParagraph(section.id, item);
    }
  }

  function canon(value) { // JSON with sorted keys: a database may reorder a draft's keys
    if (Array.isArray(value)) return "[" + value.map(canon).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + canon(value[k])).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function offer(draft) {
    const box = document.getElementById("restore");
    const older = draft.base < page.version;
    document.getElementById("restore-text").textContent =
      "发现 " + new Date(draft.saved).toLocaleString("zh-CN") + " 自动保存的未保存内容" +
      (older ? "（基于较早的第" + draft.base + "版；恢复后保存时将列出他人的改动，请合并）" : "") + "。要恢复吗？";
    box.hidden = false;
    document.getElementById("restore-yes").addEventListener("click", () => {
      fill(draft.payload);
      base.value = String(draft.base);
      box.hidden = true;
      changed();
    });
    document.getElementById("restore-no").addEventListener("click", () => {
      box.hidden = true;
    });
  }

  function lookForDraft() {
    const shown = payload();
    const found = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(storeKey)) continue;
      try {
        const kept = JSON.parse(localStorage.getItem(key));
        if (kept.base < page.version - 20) localStorage.removeItem(key);
        else found.push(kept);
      } catch (e) { localStorage.removeItem(key); }
    }
    fetch(page.draft, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null))
      .catch(() => null).then((server) => {
        if (server) found.push(server);
        const usable = found.filter((d) => d && d.payload && d.base <= page.version &&
          canon(d.payload) !== canon(shown));
        if (!usable.length) return;
        usable.sort((a, b) => (a.saved < b.saved ? 1 : -1));
        offer(usable[0]);
      });
  }

  form.addEventListener("input", (event) => {
    if (event.target.matches("input, textarea, select")) changed();
  });
  form.addEventListener("change", () => {
    dirty = true;
  });
  form.addEventListener("submit", () => {
    try {
      localStorage.removeItem(storeKey + base.value);
    } catch (e) { /* nothing kept */ }
  });
  setInterval(autosave, 5000);
  redraw();
  serverCheck();
  lookForDraft();
})();
