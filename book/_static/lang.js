// The language switch: a link at the top of every page to the same page in the other edition
// (English at the root of the book, Chinese under zh_CN/). Works from the file system and on any host.
document.addEventListener("DOMContentLoaded", () => {
  const html = document.documentElement;
  const root = html.dataset.content_root; // Sphinx >= 7.2: the relative path to the edition's root
  if (root === undefined) return;
  const zh = html.lang.toLowerCase().startsWith("zh");
  const here = new URL(window.location.href);
  here.hash = "";
  here.search = "";
  const editionRoot = new URL(root, here);
  const page = here.href.slice(editionRoot.href.length); // e.g. notebooks/01_eager_and_graph.html
  const target = new URL((zh ? "../" : "zh_CN/") + page, editionRoot);
  const link = document.createElement("a");
  link.href = target.href;
  link.className = "btn tfbook-language";
  link.lang = zh ? "en" : "zh-CN";
  link.textContent = zh ? "English" : "中文";
  link.title = zh ? "Read this page in English" : "阅读本页的中文版";
  const bar = document.querySelector(".article-header-buttons");
  if (bar) bar.prepend(link);
  else document.querySelector("article, body").prepend(link);
});
