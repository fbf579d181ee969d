// Newsdesk UI behaviour: [n] citation links bring up their source card; each new passage
// scrolls to its supporting sentence. web/layout.py puts this in the page head.
(() => {
  const cardFor = (a) => document.getElementById((a.getAttribute('href') || '').slice(1));
  const citeOf = (ev) => ev.target && ev.target.closest ? ev.target.closest('a[href^="#src-"]') : null;
  document.addEventListener('click', (ev) => {
    const a = citeOf(ev);
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    const card = cardFor(a);
    if (!card) return;
    document.querySelectorAll('.nd-card.nd-active').forEach((c) => c.classList.remove('nd-active'));
    card.classList.add('nd-active');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    history.replaceState(null, '', '#' + card.id);
  }, true);
  document.addEventListener('mouseover', (ev) => {
    const a = citeOf(ev);
    const card = a && cardFor(a);
    if (card) card.classList.add('nd-hover');
  });
  document.addEventListener('mouseout', (ev) => {
    const a = citeOf(ev);
    const card = a && cardFor(a);
    if (card) card.classList.remove('nd-hover');
  });
  // scroll each new passage so that its supporting sentence is in view
  const reveal = () => document.querySelectorAll('.nd-passage').forEach((p) => {
    const m = p.querySelector('mark');
    const card = p.closest('.nd-card');
    const sig = (card ? card.id : '') + ':' + (m ? m.textContent.length : -1);
    if (p.getAttribute('data-nd-shown') === sig) return;
    p.setAttribute('data-nd-shown', sig);
    if (!m || m.offsetTop + m.offsetHeight <= p.clientHeight) return;
    const line = parseFloat(getComputedStyle(p).lineHeight) || 20;
    p.scrollTop = Math.max(0, m.offsetTop - line);
  });
  // the library table's titles: the full title on hover (long ones are cut to two lines)
  const titles = () => document.querySelectorAll('#nd-library [role=gridcell][data-col="0"]')
    .forEach((c) => {
      const t = c.textContent.trim();
      if (c.getAttribute('title') !== t) c.setAttribute('title', t);
    });
  new MutationObserver(() => { reveal(); titles(); })
    .observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
