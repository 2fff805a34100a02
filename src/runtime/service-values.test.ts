import { describe, expect, it } from 'vitest';
import { suggestField } from './service-values.ts';

describe('suggestField', () => {
  it('finds the same name spelt the way another CRM spells it', () => {
    expect(suggestField('Lead_Source', ['FirstName', 'LeadSource', 'Company'])).toBe('LeadSource');
    expect(suggestField('jobtitle', ['Designation', 'Job_Title'])).toBe('Job_Title');
  });

  it('finds a near name (a typo, a prefix the service adds)', () => {
    expect(suggestField('Lead_Sorce', ['Lead_Source', 'Description'])).toBe('Lead_Source');
    expect(suggestField('Lead_Status', ['email', 'hs_lead_status'])).toBe('hs_lead_status');
  });

  it('guesses nothing when no name is near', () => {
    expect(suggestField('Favourite_Colour__c', ['LeadSource', 'Company'])).toBeNull();
    expect(suggestField('x', [])).toBeNull();
  });
});
