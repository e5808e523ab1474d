import { css } from 'lit';

export const styles = css`
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.75rem 1rem;
    margin-bottom: 1rem;
  }
  .bar[hidden] {
    display: none;
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.35rem 0.8rem;
    border-radius: 999px;
    background: var(--_surface-muted);
    border: 1px solid var(--_border);
    font-weight: 600;
    font-size: 0.85rem;
  }
  .dot {
    width: 0.55rem;
    height: 0.55rem;
    border-radius: 50%;
    background: var(--_muted);
  }
  .status[data-state='open'] .dot {
    background: var(--_success);
    box-shadow: 0 0 0 4px color-mix(in srgb, var(--_success) 20%, transparent);
  }
  .status[data-state='reconnecting'] .dot,
  .status[data-state='connecting'] .dot {
    background: #d97706;
  }
  .invite {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-left: auto;
    flex: 1 1 24rem;
    max-width: 36rem;
  }
  .invite label {
    font-size: 0.8rem;
    font-weight: 600;
    color: var(--_muted);
    white-space: nowrap;
  }
  .invite input {
    flex: 1;
    min-width: 0;
    font-size: 0.85rem;
    background: var(--_surface-muted);
  }
  .error {
    color: var(--_danger);
    font-weight: 600;
    max-width: 42rem;
  }
  .blocked {
    flex-basis: 100%;
    font-size: 0.85rem;
    color: var(--_danger);
  }
  .blocked[data-empty] {
    /* Present but empty: a live region must exist before it speaks. */
    flex-basis: 0;
  }
  .join {
    max-width: 28rem;
    margin: 2rem auto;
    padding: 1.5rem;
  }
  .join h2 {
    margin: 0 0 0.25rem;
    font-size: 1.3rem;
  }
  .join label {
    display: block;
    font-weight: 600;
    margin: 1rem 0 0.35rem;
  }
  .row {
    display: flex;
    gap: 0.5rem;
  }
  .row input {
    flex: 1;
  }
  .entry {
    max-width: 46rem;
    margin: 1.5rem auto;
  }
  .entry h2 {
    margin: 0 0 1rem;
  }
  .choices {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
    gap: 1rem;
  }
  .choice {
    display: grid;
    align-content: start;
    gap: 0.5rem;
    padding: 1rem;
    border: 1px solid var(--_border);
    border-radius: 12px;
  }
  .choice h3 {
    margin: 0;
    font-size: 1rem;
  }
  .choice p {
    margin: 0;
  }
  .choice .row {
    flex-wrap: wrap;
  }
  .choice .row input {
    min-width: 0;
    flex: 1 1 10rem;
  }
`;
