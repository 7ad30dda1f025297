export default {
  root: "src",
  title: "Prévision",
  globalStylesheets: [],
  style: "style.css",
  interpreters: { ".ts": ["deno", "run", "-A"] },
  footer: "Not financial advice.",
};
